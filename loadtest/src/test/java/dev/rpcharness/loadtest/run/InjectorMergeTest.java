package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.reports.ReportWriter;
import dev.rpcharness.reports.analysis.ChaosStep;
import dev.rpcharness.reports.analysis.Recovery;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.run.ScenarioRun;
import dev.rpcharness.reports.run.TimelineEntry;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two injector processes drive one embedded cluster as one coordinated run (each half of the run's rate, started
 * together at the run's barrier) while provider 1 crashes and restarts; their folders merge into one report: every
 * call of both counted, histograms added second by second, both timelines and the fleet's merged by wall clock, the
 * crash found with its recovery.
 */
class InjectorMergeTest {

    private static final int RATE = 100;
    private static final int SECONDS = 6;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void twoInjectorProcessesAgainstOneClusterMergeIntoOneReport() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(2)
                .serve(EchoService.class, EchoServiceImpl::new).build()) {
            List<Process> injectors = new ArrayList<>();
            List<String> names = List.of("host-a", "host-b");
            for (int i = 0; i < names.size(); i++) {
                injectors.add(injector(cluster, names.get(i), i));
            }
            try {
                // Both load and provider 1 is serving: crash it, let the load fail over, restart it.
                await().atMost(60, TimeUnit.SECONDS).until(() -> cluster.provider(1).stats().received() >= 100
                        || injectors.stream().anyMatch(p -> !p.isAlive()));
                assertThat(injectors).as("injectors still running (logs in %s)", dir).allMatch(Process::isAlive);
                cluster.crash(1);
                long before = cluster.provider(0).stats().received();
                await().atMost(60, TimeUnit.SECONDS)
                        .until(() -> cluster.provider(0).stats().received() >= before + 150);
                cluster.restart(1);
                for (Process p : injectors) {
                    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("injector ended").isTrue();
                    assertThat(p.exitValue()).as("injector exit code, see %s", dir).isZero();
                }
            } finally {
                injectors.forEach(Process::destroyForcibly);
            }
            Path fleet = dir.resolve("fleet-timeline.jsonl");
            cluster.timeline().writeJsonLines(fleet);

            ScenarioRun a = ScenarioRun.read(dir.resolve("host-a"));
            ScenarioRun b = ScenarioRun.read(dir.resolve("host-b"));
            ScenarioRun merged = ScenarioRun.read(List.of(dir.resolve("host-a"), dir.resolve("host-b")),
                    List.of(fleet));
            ScenarioAnalysis ma = ScenarioAnalysis.of(merged);
            long callsA = ScenarioAnalysis.of(a).calls();
            long callsB = ScenarioAnalysis.of(b).calls();

            assertThat(callsA).isEqualTo(RATE * SECONDS);
            assertThat(callsB).isEqualTo(RATE * SECONDS);
            assertThat(ma.calls()).isEqualTo(callsA + callsB);
            // They loaded at the same time (the run's start barrier): their seconds were added together, not laid end
            // to end. (One second either way: an interval ending near a half second falls into the bucket before or
            // after it depending on the first interval of the merge, and each folder is shifted by its clock offset.)
            double secondsA = ScenarioAnalysis.of(a).seconds();
            double secondsB = ScenarioAnalysis.of(b).seconds();
            assertThat(ma.seconds()).as("merged busy seconds").isLessThanOrEqualTo(secondsA + secondsB - 2)
                    .isGreaterThanOrEqualTo(Math.max(secondsA, secondsB) - 1);
            assertThat(merged.timeline()).extracting(TimelineEntry::action)
                    .contains("injector-start", "injector-stop", "crash", "restart");
            assertThat(merged.timeline().stream().filter(e -> e.action().equals("injector-start"))
                    .map(TimelineEntry::subject)).containsExactlyInAnyOrder("host-a", "host-b");
            assertThat(merged.timeline()).isSortedAccordingTo((x, y) -> Long.compare(x.wallMillis(), y.wallMillis()));

            ChaosStep crash = ma.steps().stream().filter(s -> s.kind().equals("crash")).findFirst().orElseThrow();
            assertThat(crash.address()).isEqualTo(cluster.provider(1).address());
            assertThat(crash.end()).isNotNull();
            Recovery r = ma.recoveries().get(ma.steps().indexOf(crash));
            assertThat(r.trafficReturned()).as("provider 1 served again after its restart").isTrue();

            ReportWriter.Result report = new ReportWriter(dir.resolve("rpc-report-merged"), null, false, 0.25)
                    .write(List.of(List.of(dir.resolve("host-a"), dir.resolve("host-b"))), List.of(fleet));
            assertThat(report.index()).exists();
        }
    }

    @Test
    void injectorOptionsAreChecked() {
        assertThatThrownBy(() -> Injector.parse(new String[] {"--zk", "127.0.0.1:1"}))
                .hasMessageContaining("--out");
        assertThatThrownBy(() -> Injector.parse(new String[] {"--out", "x"}))
                .hasMessageContaining("--zk HOST:PORT");
        assertThatThrownBy(() -> Injector.parse(new String[] {"--zk", "a:1", "--out", "x", "--rate", "fast"}))
                .hasMessageContaining("--rate needs a number");
        assertThatThrownBy(() -> Injector.parse(new String[] {"--zk", "a:1", "--out", "x", "--seconds", "0"}))
                .hasMessageContaining("--seconds");
    }

    private Process injector(RpcCluster cluster, String name, int index) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + Paths.get("src/test/resources/logback-test.xml").toAbsolutePath(),
                Injector.class.getName(), "--zk", cluster.connectString(), "--base-path", cluster.basePath(),
                "--rate", String.valueOf(2 * RATE), "--seconds", String.valueOf(SECONDS), "--timeout-ms", "1000",
                "--name", name, "--out", dir.resolve(name).toString(),
                "--run", "merge-run", "--index", String.valueOf(index), "--injectors", "2");
        File log = dir.resolve(name + ".log").toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }
}
