package dev.rpcharness.consumer.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.HelloServiceImpl;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.internal.balancer.Balancer;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.consumer.testing.WirePeer;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Host names resolve off the event loop: with one I/O thread for every connection, a provider whose name takes
 * long to resolve (a resolver that blocks until the test lets it go) must not stall the other providers' connects
 * and calls. Were the name resolved on the event loop, the one I/O thread would sit in the resolver and the call
 * to the other provider would never end.
 */
class HostNameResolutionTest {

    private static final String SLOW_NAME = "slow-to-resolve.rpc-harness.test";

    private final ObjectMapper mapper = RpcJson.newMapper();
    private final ServiceMethods methods = new ServiceMethods(HelloService.class, mapper);
    private final ConsumerOptions options = ConsumerOptions.builder().ioThreads(1)
            .providerWaitTimeout(Duration.ofSeconds(20)).callTimeout(Duration.ofSeconds(20)).build();

    private RpcCall hello(String name) {
        Object[] args = {name};
        MethodMetadata method = methods.resolve("hello", args);
        return new RpcCall(method, method.encodeArguments(args, mapper), new RpcFuture(Runnable::run,
                System.nanoTime()), options.providerWaitTimeout().toNanos(), options.callTimeout().toNanos());
    }

    private static ProviderNode node(String host, int port) {
        return new ProviderNode(host, port, List.of(HelloService.class.getName()), 1);
    }

    @Test
    void aHostNameThatResolvesSlowlyDoesNotStallOtherConnectionsOnTheSameEventLoop() throws Exception {
        CountDownLatch resolving = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> resolvedOn = new AtomicReference<>();
        try (WirePeer live = new WirePeer(new HelloServiceImpl()).start();
             WirePeer named = new WirePeer(new HelloServiceImpl()).start();
             Transport transport = new Transport("resolve-test", "resolve-test", 1, Duration.ofSeconds(2), 1 << 20,
                     Duration.ofMillis(50), Duration.ofMillis(200), new ResponseDecoder(mapper), null)) {
            transport.nameResolver(host -> {
                resolvedOn.set(Thread.currentThread().getName());
                resolving.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // a DNS server that takes its time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return InetAddress.getLoopbackAddress();
            });
            try (Balancer balancer = new Balancer(transport, options, Runnable::run)) {
                // The named provider first: its connect starts (and its name resolves) before the live one's.
                balancer.updateProviders(List.of(node(SLOW_NAME, named.port()), node("127.0.0.1", live.port())),
                        true);
                assertThat(resolving.await(10, TimeUnit.SECONDS)).as("resolution of %s started", SLOW_NAME).isTrue();

                RpcCall during = hello("during");
                balancer.dispatch(during);
                assertThat(during.future().get(10, TimeUnit.SECONDS))
                        .as("a call to the other provider while the name still resolves").isEqualTo("Hello during");
                assertThat(resolving.getCount()).isZero();
                assertThat(release.getCount()).as("the resolver is still blocked").isEqualTo(1);
                assertThat(resolvedOn.get()).as("thread that resolved the name").startsWith("rpc-resolver-")
                        .doesNotStartWith("rpc-io-");
                assertThat(balancer.connectedProviders()).containsExactly("127.0.0.1:" + live.port());

                release.countDown();
                await().atMost(Duration.ofSeconds(10)).until(() -> balancer.connectedProviders().size() == 2);
                for (int i = 0; i < 4; i++) {
                    RpcCall after = hello("after " + i);
                    balancer.dispatch(after);
                    assertThat(after.future().get(10, TimeUnit.SECONDS)).isEqualTo("Hello after " + i);
                }
                assertThat(named.received()).as("calls that reached the provider known by name").isPositive();
            } finally {
                release.countDown();
            }
        }
    }
}
