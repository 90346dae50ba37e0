package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A load run writes its call-history check and a replay record; a replay takes its seed and chaos offsets. */
class ReplayRecordTest {

    @TempDir
    Path results;

    private static Properties read(Path file) throws Exception {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    private LoadTarget target(Properties props) {
        props.setProperty("rpc.resultsDir", results.toString());
        return LoadTarget.builder("replayed", props).providers(1).seed(7)
                .serve(EchoService.class, EchoServiceImpl::new)
                .build().start();
    }

    private static void step(LoadTarget target) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        target.chaosExecutor().execute(() -> {
            target.cluster().faultPlan(0, FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(1)))));
            done.complete(null);
        });
        done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRunWritesItsHistoryCheckAndAReplayRecordWithItsChaosSteps() throws Exception {
        Properties props = new Properties();
        props.setProperty("rpc.duration", "3");
        LoadTarget target = target(props);
        try {
            for (int i = 0; i < 20; i++) {
                target.proxy(EchoService.class).call("echo", "x" + i).get(10, TimeUnit.SECONDS);
            }
            step(target);
        } finally {
            target.close();
        }
        Path dir = target.runDir();
        assertThat(Files.readString(dir.resolve("rpc-history-check.jsonl")))
                .contains("\"calls\":20,\"ok\":20").contains("\"violations\":0");
        assertThat(dir.resolve("rpc-history-0.jsonl")).exists();
        assertThat(Files.readAllLines(dir.resolve("rpc-history-steps.jsonl"))).hasSize(2)
                .first().asString().startsWith("{\"step\":\"before chaos\",\"fromMillis\":0,\"ok\":20,");
        Properties record = read(dir.resolve(ReplayRecord.FILE));
        assertThat(record.getProperty("seed")).isEqualTo("7");
        assertThat(record.getProperty("property.rpc.duration")).isEqualTo("3");
        assertThat(record.getProperty("chaos.count")).isEqualTo("1");
        assertThat(record.getProperty("chaos.0.timeline")).isEqualTo("fault-plan p0; provider-faultPlan p0");
        assertThat(record.getProperty("command")).contains("-Drpc.duration=3")
                .contains("-Drpc.replay=" + dir.resolve(ReplayRecord.FILE).toAbsolutePath());
    }

    @Test
    void aReplayTakesTheRecordedSeedAndHoldsEachChaosStepUntilItsRecordedOffset() throws Exception {
        Path recorded = results.resolve("recorded.properties");
        Files.writeString(recorded, "name=replayed\nseed=99\nchaos.count=1\nchaos.0.offsetMillis=1500\n");
        Properties props = new Properties();
        props.setProperty("rpc.replay", recorded.toString());
        LoadTarget target = target(props);
        try {
            assertThat(target.cluster().seed()).isEqualTo(99);
            step(target); // submitted at once, held until +1500 ms
        } finally {
            target.close();
        }
        Properties replayRecord = read(target.runDir().resolve(ReplayRecord.FILE));
        assertThat(Long.parseLong(replayRecord.getProperty("chaos.0.offsetMillis"))).isGreaterThanOrEqualTo(1500);
        assertThat(replayRecord.getProperty("replayOf")).startsWith("replayed");
    }
}
