package dev.rpcharness.provider.wiremock;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcArgument;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcCalls;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcMethod;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.junit.WithRpcCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** README's WireMock example, as a test: a cluster of WireMock providers only, no implementation class named. */
@WithRpcCluster(providers = 0, services = WireMockClusterReadmeTest.GreetingService.class)
class WireMockClusterReadmeTest {

    /** The user's interface; nothing implements it on this side. */
    public interface GreetingService {
        String greet(String name);
    }

    @Test
    void aClusterOfWireMockProvidersOnly(RpcCluster cluster, GreetingService greetings) {
        try (WireMockProvider a = WireMockProvider.builder().registry(cluster.connectString())
                     .service(GreetingService.class).name("wm-a").build().start();
             WireMockProvider b = WireMockProvider.builder().registry(cluster.connectString())
                     .service(GreetingService.class).name("wm-b").build().start()) {
            a.stubFor(rpcMethod(GreetingService.class, "greet").willReturn(rpcResult("hello from a")));
            b.stubFor(rpcMethod(GreetingService.class, "greet").willReturn(rpcResult("hello from b")));
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.registeredProviders().size() == 2);

            // Round robin reaches both once the client has connected to both.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                greetings.greet("ann");
                return !a.findAll(rpcCalls(GreetingService.class, "greet")).isEmpty()
                        && !b.findAll(rpcCalls(GreetingService.class, "greet")).isEmpty();
            });
            assertThat(greetings.greet("bob")).startsWith("hello from ");
            int calls = a.findAll(rpcCalls(GreetingService.class, "greet")).size()
                    + b.findAll(rpcCalls(GreetingService.class, "greet")).size();
            assertThat(calls).isGreaterThanOrEqualTo(3);
            a.verify(rpcCalls(GreetingService.class, "greet").withRequestBody(rpcArgument(0, equalTo("ann"))));
        }
    }
}
