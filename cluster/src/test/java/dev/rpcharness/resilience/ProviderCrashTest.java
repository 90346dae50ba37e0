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
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A provider process dies: what its callers see, and what everyone else sees. */
@WithRpcCluster(providers = 3, callTimeoutMs = 5_000, providerSessionTimeoutMs = 1_000)
class ProviderCrashTest {

    /** Calls until every provider has answered at least one, so every connection is up. */
    static void warmUp(RpcCluster cluster, EchoService echo) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(echo.echo("warm-up")).isEqualTo("warm-up");
            return cluster.providers().stream().allMatch(p -> p.stats().answered() > 0);
        });
    }

    @Test
    void crashFailsExactlyTheCallsInFlightOnItAtOnceAndSurvivorsTakeTheRest(
            RpcCluster cluster, EchoService echo, @Async(EchoService.class) AsyncObjectProxy async,
            @Provider(1) FakeProvider victim) {
        warmUp(cluster, echo);
        // The victim holds its calls for 2 s, so they are surely in flight when it dies; the others answer at once.
        cluster.faultPlan(1, FaultPlan.builder()
                .rule(FaultRule.forAll(Fault.latencyFixed(Duration.ofSeconds(2)))).build());
        long receivedBefore = victim.stats().received();

        List<RpcFuture> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(async.call("echo", "call-" + i));
        }
        // Wait until the only calls still running are the ones the victim holds.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            long held = victim.stats().received() - receivedBefore;
            return held > 0 && Calls.running(futures) == held;
        });
        long inFlightOnVictim = victim.stats().received() - receivedBefore;

        long crashNanos = System.nanoTime();
        cluster.crash(1);

        List<Throwable> failures = new ArrayList<>();
        for (RpcFuture future : futures) {
            Throwable failure = Calls.outcome(future, Duration.ofSeconds(4));
            if (failure != null) {
                failures.add(failure);
                assertThat(Calls.endedMillisAfter(future, crashNanos))
                        .as("failed at once, well before the 5 s call timeout").isLessThan(1_500);
            }
        }
        assertThat(failures).hasSize((int) inFlightOnVictim).allSatisfy(f -> assertThat(f)
                .isInstanceOf(ConnectionLostException.class).hasMessageContaining(victim.address()));

        long victimSawBefore = victim.stats().received();
        for (int i = 0; i < 30; i++) {
            assertThat(echo.echo("after-" + i)).isEqualTo("after-" + i);
        }
        assertThat(victim.stats().received()).as("no call went to the dead provider").isEqualTo(victimSawBefore);

        // As after a real process death, the node stays until ZooKeeper expires the dead session.
        await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.registeredProviders().contains(victim.address()));
        assertThat(cluster.registeredProviders()).hasSize(2);
    }

    @Test
    void restartedProviderGetsTrafficAgain(RpcCluster cluster, EchoService echo, @Provider(2) FakeProvider p2) {
        warmUp(cluster, echo);
        cluster.crash(2);
        // A call written in the instant before the client reads the RST is lost with the connection, as promised;
        // once the client has seen the reset, the dead provider is out of rotation.
        await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(ConnectionLostException.class)
                .until(() -> "probe".equals(echo.echo("probe")));
        for (int i = 0; i < 10; i++) {
            assertThat(echo.echo("while-down-" + i)).isEqualTo("while-down-" + i);
        }

        cluster.restart(2);
        long before = p2.stats().received();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(echo.echo("after-restart")).isEqualTo("after-restart");
            return p2.stats().received() > before;
        });
    }
}
