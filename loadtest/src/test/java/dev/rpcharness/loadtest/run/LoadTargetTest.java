package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadTargetTest {

    @TempDir
    Path results;

    @Test
    void externalFleetModeCallsProvidersRegisteredElsewhereAndRefusesChaosSteps() throws Exception {
        try (RpcCluster fleet = RpcCluster.builder().providers(2).serve(EchoService.class, EchoServiceImpl::new)
                .build()) {
            Properties props = new Properties();
            props.setProperty("rpc.zookeeper", fleet.connectString());
            props.setProperty("rpc.fleet", "external");
            props.setProperty("rpc.resultsDir", results.toString());

            try (LoadTarget target = LoadTarget.builder("fleet", props).build().start()) {
                Object answer = target.proxy(EchoService.class).call("echo", "hi").get(10, TimeUnit.SECONDS);

                assertThat(answer).isEqualTo("hi");
                assertThatThrownBy(target::cluster).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("external fleet");
            }
        }
    }

    @Test
    void externalFleetWithoutZooKeeperIsRefusedAtBuild() {
        Properties props = new Properties();
        props.setProperty("rpc.fleet", "external");

        assertThatThrownBy(() -> LoadTarget.builder("fleet", props).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rpc.zookeeper");
    }

    @Test
    void closeWritesLatencyLogSummaryAndTimelineIntoTheRunFolder() throws Exception {
        Properties props = new Properties();
        props.setProperty("rpc.resultsDir", results.toString());
        LoadTarget target = LoadTarget.builder("embedded", props).providers(1)
                .serve(EchoService.class, EchoServiceImpl::new)
                .warmUp(50, EchoService.class, "echo", "warm")
                .build().start();
        try {
            target.proxy(EchoService.class).call("echo", "x").get(10, TimeUnit.SECONDS);
            target.recorder().record("echo", null, Outcome.OK, 2_000_000L);
            assertThat(target.recorder().count("echo", Outcome.OK)).isEqualTo(1);
        } finally {
            target.close();
        }
        target.close(); // idempotent

        Path dir = target.runDir();
        assertThat(dir.resolve("rpc-latency.hlog")).exists();
        assertThat(Files.readString(dir.resolve("rpc-summary.txt"))).contains("echo/ok");
        assertThat(Files.readString(dir.resolve("rpc-summary.json"))).contains("\"tag\" : \"echo/ok\"");
        assertThat(Files.readString(dir.resolve("rpc-timeline.jsonl"))).contains("warm-up");
        // Attempts per call from the start of the load: the warm-up is not in it, the one call is, on its provider.
        List<String> attempts = Files.readAllLines(dir.resolve("rpc-attempts.csv"));
        assertThat(attempts.get(0)).startsWith("epoch_ms,calls,attempts,refused,tokens,received@127.0.0.1:");
        assertThat(attempts.subList(1, attempts.size()).stream().mapToLong(l -> Long.parseLong(l.split(",")[1]))
                .sum()).isEqualTo(1);
        assertThat(attempts.subList(1, attempts.size()).stream().mapToLong(l -> Long.parseLong(l.split(",")[5]))
                .sum()).isEqualTo(1);
        assertThatThrownBy(() -> target.proxy(EchoService.class)).isInstanceOf(IllegalStateException.class);
    }
}
