package dev.rpcharness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;

import dev.rpcharness.cluster.ClusterLinks;
import dev.rpcharness.cluster.LinkCut;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Toxic;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The replay record of a failed {@code @WithRpcCluster(links = true)} test holds its link steps (a toxic and its
 * removal, a resetting toxic, a one-way cut, a heal) with their parameters, in order; the re-run with the recorded seed records the same steps again.
 */
class ReplayLinkStepsExtensionTest {

    /** What the sample saw: written by the sample, read by this test after the run ended. */
    private static final Map<String, String> SEEN = new HashMap<>();

    private static Properties runAndReadRecord(Path dir, long seed) throws IOException {
        EngineTestKit.engine("junit-jupiter").configurationParameters(Map.of(OnlyInTestKit.KEY, "true",
                        RpcClusterExtension.TIMELINE_DIR, dir.toString(),
                        RpcClusterExtension.CLUSTER_SEED, String.valueOf(seed)))
                .selectors(selectClass(FailsAfterLinkSteps.class)).execute().testEvents()
                .assertThatEvents().haveExactly(1, event(test("failsAfterLinkSteps"), finishedWithFailure()));
        List<Path> records;
        try (Stream<Path> files = Files.list(dir)) {
            records = files.filter(f -> f.getFileName().toString().endsWith(".rpc-replay.properties")).toList();
        }
        assertThat(records).hasSize(1);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(records.get(0))) {
            p.load(r);
        }
        return p;
    }

    /** The chaos steps of a record as "action subject detail", in record order. */
    private static List<String> chaosSteps(Properties p) {
        int count = Integer.parseInt(p.getProperty("chaos.count"));
        List<String> steps = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            steps.add(p.getProperty("chaos." + k + ".action") + " " + p.getProperty("chaos." + k + ".subject") + " "
                    + p.getProperty("chaos." + k + ".detail"));
        }
        return steps;
    }

    @Test
    void theRecordHoldsTheLinkStepsAndTheRerunRepeatsThem(@TempDir Path dir) throws IOException {
        Properties recorded = runAndReadRecord(dir.resolve("first"), 4242);
        List<String> steps = chaosSteps(recorded);
        assertThat(steps).hasSize(6);
        assertThat(steps.get(0)).startsWith("link-toxic p0 latency_downstream on client-p0: ")
                .contains("latency=7").contains("jitter=3");
        assertThat(steps.get(1)).isEqualTo("link-toxic-removed p0 latency_downstream on client-p0");
        assertThat(steps.get(2)).startsWith("link-reset p1-zookeeper reset_peer_upstream on p1-zookeeper: ")
                .contains("timeout=60000");
        assertThat(steps.get(3)).isEqualTo("link-cut p1 cut REQUESTS_VANISH on client-p1");
        assertThat(steps.subList(4, 6)).containsExactlyInAnyOrder("link-heal p1 link client-p1",
                "link-heal p1-zookeeper link p1-zookeeper");
        long previous = 0;
        for (int k = 0; k < steps.size(); k++) {
            long offset = Long.parseLong(recorded.getProperty("chaos." + k + ".offsetMillis"));
            assertThat(offset).as("offset of chaos step " + k).isGreaterThanOrEqualTo(previous);
            previous = offset;
        }
        assertThat(recorded.getProperty("seed")).isEqualTo("4242");

        Properties again = runAndReadRecord(dir.resolve("again"), Long.parseLong(recorded.getProperty("seed")));
        assertThat(chaosSteps(again)).as("the re-run's link steps, parameters and order").isEqualTo(steps);
        assertThat(SEEN.get("seed")).isEqualTo("4242");
    }

    @WithRpcCluster(providers = 2, links = true)
    @ExtendWith(OnlyInTestKit.class)
    static class FailsAfterLinkSteps {
        @Test
        void failsAfterLinkSteps(RpcCluster cluster) {
            SEEN.put("seed", String.valueOf(cluster.seed()));
            ClusterLinks links = cluster.links();
            links.addToxic(links.clientToProvider("p0"),
                    Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(7), Duration.ofMillis(3)));
            links.removeToxic(links.clientToProvider("p0"), "latency_downstream");
            links.addToxic(links.providerToZooKeeper("p1"),
                    Toxic.resetPeer(LinkDirection.UPSTREAM, Duration.ofSeconds(60)));
            links.cut(links.clientToProvider("p1"), LinkCut.REQUESTS_VANISH);
            links.heal();
            throw new AssertionError("fails on purpose after its link steps");
        }
    }
}
