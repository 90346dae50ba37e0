package dev.rpcharness.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.ProviderState;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.TimelineEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RpcClusterTest {

    /** A service whose implementations keep per-provider state. */
    public interface Counter {
        int next();
    }

    static final class CounterImpl implements Counter {
        private final AtomicInteger value = new AtomicInteger();

        @Override
        public int next() {
            return value.incrementAndGet();
        }
    }

    @Test
    void buildStartsZooKeeperThenRegisteredProvidersServingTheDemoEcho() {
        try (RpcCluster cluster = RpcCluster.builder().providers(3).build()) {
            assertThat(cluster.zooKeeper()).isNotNull();
            assertThat(cluster.connectString()).isEqualTo(cluster.zooKeeper().connectString());
            assertThat(cluster.providers()).hasSize(3).allMatch(p -> p.state() == ProviderState.RUNNING);
            List<String> addresses = cluster.providers().stream().map(FakeProvider::address).toList();
            assertThat(cluster.registeredProviders()).containsExactlyInAnyOrderElementsOf(addresses);
            assertThat(cluster.proxy(EchoService.class).echo("hi")).isEqualTo("hi");
            assertThat(cluster.proxy(EchoService.class)).isSameAs(cluster.proxy(EchoService.class));
        }
    }

    @Test
    void everyProviderGetsItsOwnImplementation() {
        AtomicInteger made = new AtomicInteger();
        try (RpcCluster cluster = RpcCluster.builder().providers(2).serve(Counter.class, () -> {
            made.incrementAndGet();
            return new CounterImpl();
        }).build()) {
            assertThat(made).hasValue(2);
            Counter counter = cluster.proxy(Counter.class);
            List<Integer> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                values.add(counter.next());
                return cluster.provider(0).stats().received() > 0 && cluster.provider(1).stats().received() > 0;
            });
            values.add(counter.next());
            // One shared implementation would have counted every call.
            assertThat(Collections.max(values)).isLessThan(values.size());
        }
    }

    @Test
    void chaosStepsAndProviderStateChangesGoOnTheTimeline(@TempDir Path dir) throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(2).build()) {
            FakeProvider p1 = cluster.provider(1);
            cluster.crash(1);
            assertThat(p1.state()).isEqualTo(ProviderState.CRASHED);
            cluster.restart(1);
            assertThat(p1.state()).isEqualTo(ProviderState.RUNNING);
            cluster.faultPlan(0, FaultPlan.none());
            cluster.record("load-peak", "scenario", "200 rps");

            List<TimelineEvent> events = cluster.timeline().events();
            assertThat(events).extracting(TimelineEvent::action)
                    .containsSubsequence("cluster-start", "crash", "restart", "fault-plan", "load-peak");
            assertThat(cluster.timeline().events("crash")).singleElement()
                    .satisfies(e -> assertThat(e.subject()).isEqualTo(p1.name()))
                    .satisfies(e -> assertThat(e.detail()).contains(p1.address()));
            assertThat(events).as("the provider's own state changes")
                    .anyMatch(e -> e.action().startsWith("provider-") && e.subject().equals(p1.name()));

            Path file = dir.resolve("timeline.jsonl");
            cluster.timeline().writeJsonLines(file);
            assertThat(Files.readAllLines(file)).hasSize(cluster.timeline().events().size());
        }
    }

    @Test
    void closeTearsEverythingDownAndIsIdempotent() {
        RpcCluster cluster = RpcCluster.builder().providers(2).build();
        ConsumerClient client = cluster.newClient();
        EchoService echo = client.create(EchoService.class);
        assertThat(echo.echo("before")).isEqualTo("before");
        Path data = cluster.zooKeeper().dataRoot();

        cluster.close();
        cluster.close();

        assertThat(cluster.providers()).allMatch(p -> p.state() == ProviderState.CLOSED);
        assertThat(cluster.clients()).isEmpty();
        assertThatThrownBy(() -> echo.echo("after")).isInstanceOf(ClientClosedException.class);
        assertThat(Files.exists(data)).as("ZooKeeper data removed").isFalse();
        assertThatThrownBy(() -> cluster.crash(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(cluster.timeline().events("cluster-close")).hasSize(1);
    }

    @Test
    void externalZooKeeperIsUsedButNeitherStoppedNorClosed() {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start()) {
            try (RpcCluster cluster = RpcCluster.builder().externalZooKeeper(zk.connectString()).basePath("/ext")
                    .build()) {
                assertThat(cluster.zooKeeper()).isNull();
                assertThat(cluster.registeredProviders()).containsExactly(cluster.provider(0).address());
                assertThat(cluster.proxy(EchoService.class).echo("x")).isEqualTo("x");
                assertThatThrownBy(cluster::stopZooKeeper).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("external");
            }
            try (RpcCluster again = RpcCluster.builder().externalZooKeeper(zk.connectString()).basePath("/ext")
                    .build()) {
                assertThat(again.registeredProviders()).as("the ensemble outlived the first cluster").hasSize(1);
            }
        }
    }

    @Test
    void builderRejectsAFaultPlanForAMissingProvider() {
        assertThatThrownBy(() -> RpcCluster.builder().providers(2).faultPlan(2, FaultPlan.none()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("provider 2");
    }

    /**
     * Threads of the JVM, of the test tools, or of libraries' JVM-wide pools, which no cluster owns. Curator 5.9's
     * CuratorFramework.close() does not shut down the executor behind its "SafeNotifyService" thread (started by a
     * CuratorCache's listeners, as in the consumer's ServiceDiscovery): an idle daemon thread that stays.
     */
    private static boolean jvmWide(Thread t) {
        String name = t.getName();
        return name.startsWith("ForkJoinPool.commonPool") || name.equals("Common-Cleaner")
                || name.startsWith("awaitility") || name.startsWith("Curator-SafeNotifyService")
                || name.startsWith("globalEventExecutor") || name.startsWith("process reaper")
                || name.startsWith("Attach Listener") || name.startsWith("surefire")
                || name.startsWith("ObjectCleanerThread") || name.startsWith("HttpClient");
    }

    @Test
    void closeLeavesNoThreadOfTheClusterRunning() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        RpcCluster cluster = RpcCluster.builder().providers(2).build();
        EchoService echo = cluster.proxy(EchoService.class);
        for (int i = 0; i < 20; i++) {
            echo.echo("call-" + i);
        }
        cluster.crash(1);
        cluster.registeredProviders();

        cluster.close();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> !before.contains(t) && t.isAlive() && !jvmWide(t))
                .extracting(Thread::getName)
                .isEmpty());
    }
}
