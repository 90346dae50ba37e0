package dev.rpcharness.junit;

import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcMethod;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.wiremock.WireMockProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

/**
 * Proves the extension itself: the leak check fails tests, the timeline is published on failure, clusters are
 * closed after failures, and the scopes share or separate clusters. Sample classes run through the EngineTestKit.
 */
class RpcClusterExtensionTest {

    /** Clusters the samples saw, in order; the samples run one at a time inside {@link #run}. */
    static final List<RpcCluster> SEEN = new CopyOnWriteArrayList<>();
    /** Providers the samples started outside the cluster, closed after each self test. */
    static final List<AutoCloseable> OUTSIDE = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        SEEN.clear();
        List<AutoCloseable> started = List.copyOf(OUTSIDE);
        OUTSIDE.clear();
        for (AutoCloseable c : started) {
            c.close();
        }
    }

    private static Events run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(OnlyInTestKit.KEY, "true"))
                .selectors(selectClass(sample))
                .execute()
                .testEvents();
    }

    @Test
    void leakedNettyBufferFailsTheTest() {
        Events events = run(LeaksABuffer.class);

        events.assertThatEvents().haveExactly(1, event(test("leaksABuffer"), finishedWithFailure(
                instanceOf(AssertionFailedError.class), message(m -> m.contains("leak check failed")
                        && m.contains("LEAK: ByteBuf")))));
    }

    @Test
    void callStillPendingAfterTheTestFailsIt() {
        Events events = run(LeavesACallPending.class);

        events.assertThatEvents().haveExactly(1, event(test("leavesACallPending"), finishedWithFailure(
                instanceOf(AssertionFailedError.class), message(m -> m.contains("1 pending call(s)")))));
        assertThat(SEEN).hasSize(1);
        assertThat(SEEN.get(0).clients()).as("the cluster closed its clients").isEmpty();
    }

    @Test
    void cleanTestPassesTheLeakCheck() {
        Events events = run(Clean.class);

        events.assertThatEvents().haveExactly(1, event(test("releasesWhatItTakes"), finishedSuccessfully()));
    }

    @Test
    void failedTestPublishesTheTimelineAndStillClosesTheCluster() {
        EngineTestKit.Builder kit = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(OnlyInTestKit.KEY, "true"))
                .selectors(selectClass(Fails.class));
        var results = kit.execute();

        results.testEvents().assertThatEvents().haveExactly(1,
                event(test("failsAfterAChaosMark"), finishedWithFailure(message("deliberate"))));
        List<String> timelines = results.allEvents().reportingEntryPublished()
                .map(e -> e.getRequiredPayload(ReportEntry.class))
                .map(r -> r.getKeyValuePairs().get("rpc-cluster-timeline"))
                .filter(v -> v != null)
                .toList();
        assertThat(timelines).hasSize(1);
        assertThat(timelines.get(0)).contains("test-start").contains("my-mark").contains("test-end");
        assertThat(SEEN).hasSize(1);
        assertThatThrownBy(() -> SEEN.get(0).registeredProviders()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void failedTestTimelineIsWrittenAsJsonLinesWhenAFolderIsConfigured(@TempDir Path dir) throws Exception {
        EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(OnlyInTestKit.KEY, "true",
                        RpcClusterExtension.TIMELINE_DIR, dir.toString()))
                .selectors(selectClass(Fails.class))
                .execute()
                .testEvents()
                .assertStatistics(s -> s.failed(1));

        String sampleClass = Fails.class.getName().replace('$', '_');
        Path file = dir.resolve(sampleClass + ".failsAfterAChaosMark.timeline.jsonl");
        assertThat(Files.readAllLines(file)).anyMatch(line -> line.contains("\"action\":\"my-mark\""));
    }

    @Test
    void skippedTestIsNotAFailureAndPublishesNoTimeline() {
        var results = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(OnlyInTestKit.KEY, "true"))
                .selectors(selectClass(SkipsItself.class))
                .execute();

        results.testEvents().assertStatistics(s -> s.aborted(1).skipped(1).succeeded(1).failed(0));
        List<String> timelines = results.allEvents().reportingEntryPublished()
                .map(e -> e.getRequiredPayload(ReportEntry.class))
                .map(r -> r.getKeyValuePairs().get("rpc-cluster-timeline"))
                .filter(v -> v != null)
                .toList();
        assertThat(timelines).as("no failure timeline for a skipped or disabled test").isEmpty();
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.stream().map(c -> c.timeline().render()))
                .anyMatch(t -> t.contains("skipped: Assumption failed: no such machine"));
    }

    @Test
    void threadStartedByTheTestAndStillAliveFailsItNamingTheThread() {
        Events events = run(LeavesAThread.class);

        events.assertThatEvents().haveExactly(1, event(test("leavesAThread"), finishedWithFailure(
                instanceOf(AssertionFailedError.class), message(m -> m.contains("leak check failed")
                        && m.contains("1 thread(s)") && m.contains("forgotten-worker")))));
    }

    @Test
    void socketOpenedByTheTestAndStillOpenFailsIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")),
                "descriptors are named from /proc only");
        Events events = run(LeavesASocket.class);

        events.assertThatEvents().haveExactly(1, event(test("leavesASocket"), finishedWithFailure(
                instanceOf(AssertionFailedError.class), message(m -> m.contains("file descriptor(s)")
                        && m.contains("socket:")))));
    }

    @Test
    void perMethodScopeGivesEachTestItsOwnCluster() {
        run(TwoTestsPerMethod.class).assertStatistics(s -> s.succeeded(2));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isNotSameAs(SEEN.get(1));
    }

    @Test
    void perClassScopeSharesOneClusterAcrossTests() {
        run(TwoTestsPerClass.class).assertStatistics(s -> s.succeeded(2));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isSameAs(SEEN.get(1));
        assertThatThrownBy(() -> SEEN.get(0).registeredProviders()).as("closed with the class")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mismatchedServicesAndImplementationsAreAConfigurationError() {
        run(Misconfigured.class).assertThatEvents().haveExactly(1, event(test("neverRuns"),
                finishedWithFailure(message(m -> m.contains("1 services but 0 implementations")))));
    }

    @Test
    void clustersOfTestsRunningInParallelAreIndependent() {
        Events events = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(OnlyInTestKit.KEY, "true",
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", "3"))
                .selectors(selectClass(ParallelTests.class))
                .execute()
                .testEvents();

        events.assertStatistics(s -> s.succeeded(3).failed(0));
        assertThat(SEEN).hasSize(3).doesNotHaveDuplicates();
        assertThat(SEEN.stream().map(RpcCluster::connectString).distinct()).hasSize(3);
    }

    // ---- samples, run only through the EngineTestKit ----

    @WithRpcCluster(providers = 1)
    @ExtendWith(OnlyInTestKit.class)
    static class SkipsItself {
        @Test
        void skipsOnAnAssumption(RpcCluster cluster) {
            SEEN.add(cluster);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no such machine");
        }

        @Test
        @org.junit.jupiter.api.Disabled("not today")
        void disabled() {
        }

        @Test
        void passes(RpcCluster cluster, EchoService echo) {
            SEEN.add(cluster);
            assertThat(echo.echo("x")).isEqualTo("x");
        }
    }

    @WithRpcCluster(providers = 0, leakGraceMs = 300)
    @ExtendWith(OnlyInTestKit.class)
    static class LeavesAThread {
        @Test
        void leavesAThread() {
            java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "forgotten-worker");
            t.setDaemon(true);
            t.start();
            OUTSIDE.add(never::countDown);
        }
    }

    @WithRpcCluster(providers = 0, leakGraceMs = 300)
    @ExtendWith(OnlyInTestKit.class)
    static class LeavesASocket {
        @Test
        void leavesASocket() throws Exception {
            java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getLoopbackAddress());
            OUTSIDE.add(socket);
        }
    }

    @WithRpcCluster(providers = 1)
    @ExtendWith(OnlyInTestKit.class)
    @Execution(ExecutionMode.CONCURRENT)
    static class ParallelTests {
        private static void callsItsOwnCluster(RpcCluster cluster, EchoService echo) {
            SEEN.add(cluster);
            for (int i = 0; i < 20; i++) {
                assertThat(echo.echo("call-" + i)).isEqualTo("call-" + i);
            }
            assertThat(cluster.provider(0).stats().received()).isEqualTo(20);
        }

        @Test
        void first(RpcCluster cluster, EchoService echo) {
            callsItsOwnCluster(cluster, echo);
        }

        @Test
        void second(RpcCluster cluster, EchoService echo) {
            callsItsOwnCluster(cluster, echo);
        }

        @Test
        void third(RpcCluster cluster, EchoService echo) {
            callsItsOwnCluster(cluster, echo);
        }
    }

    @WithRpcCluster(providers = 0)
    @ExtendWith(OnlyInTestKit.class)
    static class LeaksABuffer {
        @Test
        void leaksABuffer() {
            ByteBuf forgotten = PooledByteBufAllocator.DEFAULT.buffer(64);
            forgotten.writeLong(42L);
        }
    }

    @WithRpcCluster(providers = 0, callTimeoutMs = 30_000, leakGraceMs = 300)
    @ExtendWith(OnlyInTestKit.class)
    static class LeavesACallPending {
        @Test
        void leavesACallPending(RpcCluster cluster, @Async(EchoService.class) AsyncObjectProxy echo) {
            SEEN.add(cluster);
            WireMockProvider slow = WireMockProvider.builder().registry(cluster.connectString())
                    .service(EchoService.class).build().start();
            OUTSIDE.add(slow);
            slow.stubFor(rpcMethod(EchoService.class, "echo").willReturn(rpcResult("late").withFixedDelay(1_500)));
            echo.call("echo", "nobody waits for me");
        }
    }

    @WithRpcCluster(providers = 0)
    @ExtendWith(OnlyInTestKit.class)
    static class Clean {
        @Test
        void releasesWhatItTakes() {
            ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(64);
            buffer.writeLong(42L);
            buffer.release();
        }
    }

    @WithRpcCluster(providers = 0)
    @ExtendWith(OnlyInTestKit.class)
    static class Fails {
        @Test
        void failsAfterAChaosMark(RpcCluster cluster) {
            SEEN.add(cluster);
            cluster.record("my-mark", "test", "before failing");
            throw new AssertionFailedError("deliberate");
        }
    }

    @WithRpcCluster(providers = 0)
    @ExtendWith(OnlyInTestKit.class)
    static class TwoTestsPerMethod {
        @Test
        void first(RpcCluster cluster) {
            SEEN.add(cluster);
        }

        @Test
        void second(RpcCluster cluster) {
            SEEN.add(cluster);
        }
    }

    @WithRpcCluster(providers = 0, scope = WithRpcCluster.Scope.PER_CLASS)
    @ExtendWith(OnlyInTestKit.class)
    static class TwoTestsPerClass {
        @Test
        void first(RpcCluster cluster) {
            SEEN.add(cluster);
        }

        @Test
        void second(RpcCluster cluster) {
            SEEN.add(cluster);
        }
    }

    @WithRpcCluster(providers = 1, services = EchoService.class)
    @ExtendWith(OnlyInTestKit.class)
    static class Misconfigured {
        @Test
        void neverRuns() {
        }
    }
}
