package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.testing.FrozenPeer;
import dev.rpcharness.consumer.testing.TestPorts;
import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Calls waiting unsent on the connection of a provider that is then ejected were never written: they move to a
 * usable provider instead of timing out where they are.
 */
class EjectedBacklogTest {

    @Test
    void unsentCallsOfAnEjectedProviderMoveToAUsableOne() throws Exception {
        String big = "x".repeat(100_000);
        try (FrozenPeer frozen = new FrozenPeer();
             WirePeer live = new WirePeer(new HelloServiceImpl(), TestPorts.freePort());
             ConsumerClient client = new ConsumerClient(frozen.address() + "," + live.address(),
                     ConsumerOptions.builder().connectionsPerProvider(1).callTimeout(Duration.ofSeconds(3))
                             .providerWaitTimeout(Duration.ofSeconds(5))
                             .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(50))
                             .outlierConsecutiveFailures(1).build())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 1);
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            // Written to the frozen provider: its timeout ejects the provider.
            RpcFuture first = async.call("hello", "first");
            // Spacing the deadlines, not synchronising: the big calls must still have time left at the ejection.
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> frozen.address().equals(first.providerAddress()));
            // The only usable provider stops taking writes: most of these wait unsent in its backlog.
            List<RpcFuture> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                calls.add(async.call("hello", big));
            }
            live.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.ejectedProviders().contains(frozen.address()));
            int movedAndAnswered = 0;
            for (RpcFuture f : calls) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                    movedAndAnswered++;
                    assertThat(f.providerAddress()).isEqualTo(live.address());
                } catch (ExecutionException e) {
                    // Written to the frozen provider before it stopped taking writes (or, moved late, to the
                    // live one): it timed out there. Never one that timed out unsent.
                    assertThat(f.providerAddress()).as("a call that failed was written: %s",
                            e.getCause().getMessage()).isNotNull();
                }
            }
            assertThat(movedAndAnswered).as("unsent calls moved to the live provider").isPositive();
        }
    }
}
