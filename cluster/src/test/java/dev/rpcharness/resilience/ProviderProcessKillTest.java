package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.junit.Async;
import dev.rpcharness.junit.Provider;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.standalone.ExternalProviderProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The most realistic crash: a provider in its own JVM, killed with SIGKILL while calls flow. */
@WithRpcCluster(providers = 1, callTimeoutMs = 5_000)
class ProviderProcessKillTest {

    @Test
    void sigkilledProviderFailsOnlyItsCallsAtOnceAndLeavesTheRegistryAfterItsSession(
            RpcCluster cluster, EchoService echo, @Async(EchoService.class) AsyncObjectProxy async,
            @Provider(0) FakeProvider survivor) throws Exception {
        try (ExternalProviderProcess process = ExternalProviderProcess.builder().registry(cluster.connectString())
                .basePath(cluster.basePath()).sessionTimeout(Duration.ofSeconds(1)).start()) {
            cluster.record("process-started", "external", process.address());
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.registeredProviders()
                    .contains(process.address()));
            // Traffic reaches the process: the survivor alone does not see every call any more.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                long before = survivor.stats().received();
                for (int i = 0; i < 10; i++) {
                    assertThat(echo.echo("both-" + i)).isEqualTo("both-" + i);
                }
                return survivor.stats().received() - before < 10;
            });

            // The process holds its calls for 2 s, so they are surely in flight when it is killed.
            process.faultPlan("{\"fault\":\"latencyFixed\",\"ms\":2000}");
            long survivorBefore = survivor.stats().received();
            long processBefore = received(process);
            List<RpcFuture> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(async.call("echo", "load-" + i));
            }
            // Every call has reached one side, and the survivor's are answered: what runs is what the process holds.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                long atProcess = received(process) - processBefore;
                long atSurvivor = survivor.stats().received() - survivorBefore;
                return atProcess > 0 && atProcess + atSurvivor == futures.size()
                        && Calls.running(futures) == atProcess;
            });
            long heldByProcess = Calls.running(futures);

            long killNanos = System.nanoTime();
            cluster.record("sigkill", "external", process.address() + " holding " + heldByProcess + " calls");
            process.kill();

            int failed = 0;
            for (RpcFuture future : futures) {
                Throwable failure = Calls.outcome(future, Duration.ofSeconds(4));
                if (failure != null) {
                    failed++;
                    assertThat(failure).isInstanceOf(ConnectionLostException.class)
                            .hasMessageContaining(process.address());
                    assertThat(Calls.endedMillisAfter(future, killNanos)).as("at once, not at the 5 s timeout")
                            .isLessThan(1_500);
                }
            }
            assertThat(failed).as("exactly the calls the killed process held").isEqualTo(heldByProcess);
            for (int i = 0; i < 20; i++) {
                assertThat(echo.echo("after-" + i)).isEqualTo("after-" + i);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> !cluster.registeredProviders()
                    .contains(process.address()));
            cluster.record("node-gone", "external", process.address());
        }
    }

    private static long received(ExternalProviderProcess process) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(process.stats()).path("received").asLong();
    }
}
