package dev.rpcharness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * A failing {@code @WithRpcCluster} test writes a replay record (seed, fault plans, options, chaos steps with their
 * offsets, test name) and the recorded seed, given back as {@value RpcClusterExtension#CLUSTER_SEED}, seeds the
 * re-run's cluster so its fault plans draw the same decisions.
 */
class ReplayExtensionTest {

    /** What the sample saw, keyed by run: written by the sample, read by this test after the run ended. */
    private static final Map<String, String> SEEN = new HashMap<>();

    private static Events run(Class<?> sample, Map<String, String> extra) {
        Map<String, String> params = new HashMap<>(extra);
        params.put(OnlyInTestKit.KEY, "true");
        return EngineTestKit.engine("junit-jupiter").configurationParameters(params)
                .selectors(selectClass(sample)).execute().testEvents();
    }

    private static List<Path> records(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".rpc-replay.properties")).toList();
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void aFailingTestWritesItsReplayRecordAndTheRecordedSeedSeedsTheRerun(@TempDir Path dir) throws IOException {
        run(FailsAfterChaos.class, Map.of(RpcClusterExtension.TIMELINE_DIR, dir.toString(),
                RpcClusterExtension.CLUSTER_SEED, "4242"))
                .assertThatEvents().haveExactly(1, event(test("failsAfterChaos"), finishedWithFailure()));

        List<Path> records = records(dir);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getFileName().toString())
                .isEqualTo(FailsAfterChaos.class.getName() + ".failsAfterChaos.rpc-replay.properties");
        String text = Files.readString(records.get(0));
        Properties p = load(records.get(0));
        assertThat(text.lines().findFirst().orElseThrow()).startsWith("# re-run: mvn -B -ntp -pl cluster -am verify ")
                .contains("-Dtest='" + FailsAfterChaos.class.getName() + "#failsAfterChaos'")
                .contains("-Drpc.cluster.seed=4242");
        assertThat(p.getProperty("seed")).isEqualTo("4242");
        assertThat(p.getProperty("testClass")).isEqualTo(FailsAfterChaos.class.getName());
        assertThat(p.getProperty("testMethod")).isEqualTo("failsAfterChaos");
        assertThat(p.getProperty("providers")).isEqualTo("2");
        assertThat(p.getProperty("provider.1.faultPlan")).contains("seed=" + SEEN.get("plan-seed-1"));
        assertThat(p.getProperty("provider.1.faultPlanSeed")).isEqualTo(SEEN.get("plan-seed-1"));
        assertThat(p.getProperty("clientOptions")).contains("ConsumerOptions{");
        assertThat(p.getProperty("chaos.count")).isEqualTo("3");
        assertThat(p.getProperty("chaos.0.action")).isEqualTo("fault-plan");
        assertThat(p.getProperty("chaos.0.subject")).isEqualTo("p1");
        assertThat(p.getProperty("chaos.1.action")).isEqualTo("freeze");
        assertThat(p.getProperty("chaos.2.action")).isEqualTo("thaw");
        long freeze = Long.parseLong(p.getProperty("chaos.1.offsetMillis"));
        long thaw = Long.parseLong(p.getProperty("chaos.2.offsetMillis"));
        assertThat(freeze).isNotNegative();
        assertThat(thaw).isGreaterThanOrEqualTo(freeze);

        // Re-run from the record: the cluster gets the recorded seed, so the plan gets the same seed.
        String firstPlanSeed = SEEN.get("plan-seed-1");
        run(FailsAfterChaos.class, Map.of(RpcClusterExtension.TIMELINE_DIR, dir.resolve("again").toString(),
                RpcClusterExtension.CLUSTER_SEED, p.getProperty("seed")));
        assertThat(SEEN.get("cluster-seed")).isEqualTo("4242");
        assertThat(SEEN.get("plan-seed-1")).isEqualTo(firstPlanSeed);
    }

    @Test
    void anotherSeedGivesTheFaultPlanAnotherSeed(@TempDir Path dir) {
        run(FailsAfterChaos.class, Map.of(RpcClusterExtension.TIMELINE_DIR, dir.toString(),
                RpcClusterExtension.CLUSTER_SEED, "4242"));
        String first = SEEN.get("plan-seed-1");
        run(FailsAfterChaos.class, Map.of(RpcClusterExtension.TIMELINE_DIR, dir.toString(),
                RpcClusterExtension.CLUSTER_SEED, "4243"));
        assertThat(SEEN.get("cluster-seed")).isEqualTo("4243");
        assertThat(SEEN.get("plan-seed-1")).isNotEqualTo(first);
    }

    @Test
    void aPassingOrSkippedTestWritesNoRecord(@TempDir Path dir) throws IOException {
        run(PassesOrSkips.class, Map.of(RpcClusterExtension.TIMELINE_DIR, dir.toString()))
                .assertThatEvents().haveExactly(1, event(test("passes"), finishedSuccessfully()));
        assertThat(records(dir)).isEmpty();
    }

    @WithRpcCluster(providers = 2)
    @ExtendWith(OnlyInTestKit.class)
    static class FailsAfterChaos {
        @Test
        void failsAfterChaos(RpcCluster cluster) {
            SEEN.put("cluster-seed", String.valueOf(cluster.seed()));
            cluster.faultPlan(1, FaultPlan.builder().seed(7)
                    .rule(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(1))).probability(0.5)).build());
            SEEN.put("plan-seed-1", String.valueOf(cluster.provider(1).faultPlan().seed()));
            cluster.freeze(0);
            cluster.thaw(0);
            throw new AssertionError("fails on purpose after its chaos steps");
        }
    }

    @WithRpcCluster
    @ExtendWith(OnlyInTestKit.class)
    static class PassesOrSkips {
        @Test
        void passes(RpcCluster cluster) {
            cluster.freeze(0);
            cluster.thaw(0);
        }

        @Test
        void skips() {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "skipped on purpose");
        }
    }
}
