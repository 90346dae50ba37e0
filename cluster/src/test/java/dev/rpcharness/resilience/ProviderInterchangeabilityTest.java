package dev.rpcharness.resilience;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcArgument;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcCalls;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcError;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcMethod;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.provider.wiremock.WireMockProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client cannot tell the project's Netty provider from a WireMock server stubbed to speak the contract. */
class ProviderInterchangeabilityTest {

    /** A user's service. */
    public interface GreetingService {
        String greet(String name);
    }

    /** Its real implementation, served by the Netty provider. */
    public static final class GreetingServiceImpl implements GreetingService {
        @Override
        public String greet(String name) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name is empty");
            }
            return "hello " + name;
        }
    }

    /** The same behaviour, stubbed on WireMock. */
    private static WireMockProvider stubbedGreeter(RpcCluster cluster) {
        WireMockProvider wireMock = WireMockProvider.builder().registry(cluster.connectString())
                .basePath(cluster.basePath()).service(GreetingService.class).name("wiremock").build().start();
        wireMock.stubFor(rpcMethod(GreetingService.class, "greet").withRequestBody(rpcArgument(0, equalTo("ada")))
                .willReturn(rpcResult("hello ada")));
        wireMock.stubFor(rpcMethod(GreetingService.class, "greet").withRequestBody(rpcArgument(0, equalTo("")))
                .willReturn(rpcError("java.lang.IllegalArgumentException", "name is empty")));
        return wireMock;
    }

    /** What the client code under test does, whoever the provider is. */
    private static void clientCode(GreetingService greeter) {
        assertThat(greeter.greet("ada")).isEqualTo("hello ada");
        assertThatThrownBy(() -> greeter.greet("")).isInstanceOfSatisfying(RemoteInvocationException.class, e -> {
            assertThat(e.remoteType()).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(e.remoteMessage()).isEqualTo("name is empty");
        });
    }

    @ParameterizedTest(name = "{0} provider")
    @ValueSource(strings = {"netty", "wiremock"})
    void sameClientCodeAgainstEitherProvider(String kind) {
        boolean netty = kind.equals("netty");
        try (RpcCluster cluster = RpcCluster.builder().providers(netty ? 1 : 0)
                .serve(GreetingService.class, GreetingServiceImpl::new).build();
             WireMockProvider wireMock = netty ? null : stubbedGreeter(cluster)) {
            clientCode(cluster.proxy(GreetingService.class));
            if (wireMock != null) {
                wireMock.verify(2, rpcCalls(GreetingService.class, "greet"));
            } else {
                assertThat(cluster.provider(0).stats().received("greet")).isEqualTo(2);
            }
        }
    }

    @Test
    void oneClientUsesBothSideBySide() {
        try (RpcCluster cluster = RpcCluster.builder().providers(1)
                .serve(GreetingService.class, GreetingServiceImpl::new).build();
             WireMockProvider wireMock = stubbedGreeter(cluster)) {
            ConsumerClient client = cluster.newClient();
            GreetingService greeter = client.create(GreetingService.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                clientCode(greeter);
                return cluster.provider(0).stats().received() > 0
                        && !wireMock.findAll(rpcCalls(GreetingService.class, "greet")).isEmpty();
            });
        }
    }
}
