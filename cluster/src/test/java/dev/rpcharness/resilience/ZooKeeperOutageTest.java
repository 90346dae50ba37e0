package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.junit.Provider;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The registry goes away for seconds: traffic must not notice, and the provider list must catch up after. */
@WithRpcCluster(providers = 2)
class ZooKeeperOutageTest {

    @Test
    void trafficFlowsWhileZooKeeperIsDownAndTheListResyncsAfterRestart(
            RpcCluster cluster, EchoService echo, @Provider(0) FakeProvider p0, @Provider(1) FakeProvider p1) {
        ProviderCrashTest.warmUp(cluster, echo);
        cluster.stopZooKeeper();

        long before0 = p0.stats().received();
        long before1 = p1.stats().received();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        int calls = 0;
        while (System.nanoTime() < end && calls < 5_000) {
            assertThat(echo.echo("outage-" + calls)).isEqualTo("outage-" + calls);
            calls++;
        }
        assertThat(p0.stats().received()).as("p0 still in rotation").isGreaterThan(before0);
        assertThat(p1.stats().received()).as("p1 still in rotation").isGreaterThan(before1);

        cluster.restartZooKeeper();

        // A provider that registers after the outage is found: the client's list re-synced.
        try (FakeProvider late = FakeProvider.builder().registry(cluster.connectString())
                .basePath(cluster.basePath()).name("late").serve(EchoService.class, new EchoServiceImpl())
                .build().start()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                assertThat(echo.echo("after")).isEqualTo("after");
                return late.stats().received() > 0;
            });
        }
    }

    @Test
    @WithRpcCluster(providers = 2, zooKeeperEnsemble = 3)
    void trafficFlowsWhenAnEnsembleLosesOneMemberAndThenItsQuorum(RpcCluster cluster, EchoService echo) {
        ProviderCrashTest.warmUp(cluster, echo);

        cluster.killZooKeeperServer(0);
        for (int i = 0; i < 50; i++) {
            assertThat(echo.echo("one-member-down-" + i)).isEqualTo("one-member-down-" + i);
        }
        assertThat(cluster.registeredProviders()).as("the majority still serves the registry").hasSize(2);

        cluster.killZooKeeperServer(1);
        for (int i = 0; i < 50; i++) {
            assertThat(echo.echo("no-quorum-" + i)).isEqualTo("no-quorum-" + i);
        }
        assertThat(cluster.timeline().events("zk-kill-server")).hasSize(2);

        // Quorum back: the registry serves again (and the providers can deregister quickly on close).
        cluster.restartZooKeeperServer(1);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> cluster.registeredProviders().size() == 2);
        assertThat(echo.echo("quorum-back")).isEqualTo("quorum-back");
    }

    @Test
    @WithRpcCluster(providers = 2, providerSessionTimeoutMs = 1_000)
    void anOutageLongerThanTheProvidersSessionsKeepsTrafficAndTheyRegisterAgain(
            RpcCluster cluster, EchoService echo, @Provider(0) FakeProvider p0, @Provider(1) FakeProvider p1) {
        ProviderCrashTest.warmUp(cluster, echo);
        cluster.stopZooKeeper();

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int calls = 0;
        while (System.nanoTime() < end && calls < 5_000) {
            assertThat(echo.echo("outage-" + calls)).isEqualTo("outage-" + calls);
            calls++;
        }

        cluster.restartZooKeeper();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                cluster.registeredProviders().containsAll(List.of(p0.address(), p1.address())));
        long before0 = p0.stats().received();
        long before1 = p1.stats().received();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(echo.echo("after")).isEqualTo("after");
            return p0.stats().received() > before0 && p1.stats().received() > before1;
        });
    }
}
