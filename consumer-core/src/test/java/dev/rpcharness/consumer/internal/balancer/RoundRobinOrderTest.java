package dev.rpcharness.consumer.internal.balancer;

import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.HelloServiceImpl;
import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Round robin alternates providers whatever the connections per provider (a0 b0 a1 b1, not a0 a1 b0 b1). */
class RoundRobinOrderTest {

    @Test
    void consecutiveCallsAlternateProvidersWithTwoConnectionsEach() {
        try (WirePeer a = new WirePeer(new HelloServiceImpl()).start();
             WirePeer b = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(a.address() + "," + b.address(),
                     ConsumerOptions.builder().connectionsPerProvider(2).build())) {
            HelloService hello = client.create(HelloService.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.connectionsAccepted() == 2
                    && b.connectionsAccepted() == 2);
            // Until every connection is READY on the client the ring is smaller; then eight calls in a row must
            // alternate: after each pair, each provider has taken exactly one more call.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                for (int pair = 0; pair < 4; pair++) {
                    int ra = a.received();
                    int rb = b.received();
                    hello.hello("x");
                    hello.hello("y");
                    if (a.received() != ra + 1 || b.received() != rb + 1) {
                        return false;
                    }
                }
                return true;
            });
        }
    }
}
