package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.ClusterLinks;
import dev.rpcharness.cluster.LinkCut;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay ({@code rpc.replay}) of a load run with link steps repeats them: the replayed run's timeline carries the
 * same link steps (action, subject, detail with the toxic's parameters) in the same order, each no earlier than its
 * recorded offset, and its replay record notes the same events per chaos step as the recorded one.
 */
class ReplayLinkStepsTest {

    @TempDir
    Path results;

    /** The run folder of each run, in order. */
    private final List<Path> runDirs = new ArrayList<>();

    /** The chaos of the run: a latency toxic on p0's link, a one-way cut of p1's link, a heal. */
    private static final List<Consumer<ClusterLinks>> STEPS = List.of(
            links -> links.addToxic(links.clientToProvider("p0"),
                    Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(5), Duration.ofMillis(2))),
            links -> links.cut(links.clientToProvider("p1"), LinkCut.ANSWERS_VANISH),
            ClusterLinks::heal);

    private static Properties read(Path file) throws Exception {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    /** One run: calls, the link steps on the chaos thread, calls again; returns its link events. */
    private List<String> run(Properties props) throws Exception {
        props.setProperty("rpc.resultsDir", results.toString());
        LoadTarget target = LoadTarget.builder("linked", props).providers(2).seed(11).links(true)
                .serve(EchoService.class, EchoServiceImpl::new).build().start();
        List<String> linkEvents = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                target.proxy(EchoService.class).call("echo", "x" + i).get(10, TimeUnit.SECONDS);
            }
            for (Consumer<ClusterLinks> step : STEPS) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                target.chaosExecutor().execute(() -> {
                    try {
                        step.accept(target.cluster().links());
                        done.complete(null);
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                });
                done.get(30, TimeUnit.SECONDS);
            }
            RpcCluster cluster = target.cluster();
            cluster.timeline().events().stream().filter(e -> e.action().startsWith("link-"))
                    .forEach(e -> linkEvents.add(e.action() + " " + e.subject() + " " + e.detail()));
        } finally {
            target.close();
        }
        runDirs.add(target.runDir());
        return linkEvents;
    }

    @Test
    void aReplayRepeatsTheLinkStepsWithTheirParametersInOrderAtTheirOffsets() throws Exception {
        Properties first = new Properties();
        first.setProperty("rpc.duration", "3");
        List<String> recordedEvents = run(first);
        assertThat(recordedEvents).hasSize(4);
        assertThat(recordedEvents.get(0)).startsWith("link-toxic p0 latency_downstream on client-p0: ")
                .contains("latency=5").contains("jitter=2");
        assertThat(recordedEvents.get(1)).isEqualTo("link-cut p1 cut ANSWERS_VANISH on client-p1");
        assertThat(recordedEvents.subList(2, 4)).containsExactlyInAnyOrder(
                "link-heal p0 link client-p0", "link-heal p1 link client-p1");
        Path recordFile = runDirs.get(0).resolve(ReplayRecord.FILE);
        Properties recorded = read(recordFile);
        assertThat(recorded.getProperty("chaos.count")).isEqualTo("3");
        assertThat(recorded.getProperty("chaos.0.timeline")).isEqualTo("link-toxic p0");
        assertThat(recorded.getProperty("chaos.1.timeline")).isEqualTo("link-cut p1");
        assertThat(recorded.getProperty("chaos.2.timeline")).contains("link-heal p0").contains("link-heal p1");

        // Push the last step later than it ran, so the replay visibly holds it until the recorded offset.
        long healAt = Long.parseLong(recorded.getProperty("chaos.2.offsetMillis")) + 1500;
        recorded.setProperty("chaos.2.offsetMillis", String.valueOf(healAt));
        Path edited = results.resolve("recorded.properties");
        try (var out = Files.newBufferedWriter(edited)) {
            recorded.store(out, null);
        }
        Properties again = new Properties();
        again.setProperty("rpc.duration", "3");
        again.setProperty("rpc.replay", edited.toString());
        List<String> replayedEvents = run(again);

        assertThat(replayedEvents).as("the same link steps, parameters and order").isEqualTo(recordedEvents);
        Properties replayed = read(runDirs.get(1).resolve(ReplayRecord.FILE));
        assertThat(replayed.getProperty("replayOf")).startsWith("linked");
        assertThat(replayed.getProperty("seed")).isEqualTo(recorded.getProperty("seed"));
        assertThat(replayed.getProperty("chaos.count")).isEqualTo("3");
        for (int k = 0; k < 3; k++) {
            assertThat(replayed.getProperty("chaos." + k + ".timeline")).as("events of chaos step " + k)
                    .isEqualTo(recorded.getProperty("chaos." + k + ".timeline"));
            assertThat(Long.parseLong(replayed.getProperty("chaos." + k + ".offsetMillis")))
                    .as("chaos step " + k + " no earlier than recorded")
                    .isGreaterThanOrEqualTo(Long.parseLong(recorded.getProperty("chaos." + k + ".offsetMillis")));
        }
    }
}
