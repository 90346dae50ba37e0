package dev.rpcharness.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RunHistoryCheck;
import dev.rpcharness.injectors.ChaosRelay;
import dev.rpcharness.injectors.InjectorRunException;
import dev.rpcharness.injectors.StepClaim;
import dev.rpcharness.reports.ReportMain;
import dev.rpcharness.reports.ReportWriter;
import dev.rpcharness.run.RunFolder;
import io.gatling.app.Gatling$;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CrashOneSimulation}, unchanged, run by three injector JVMs as one run ({@code -Drpc.injectors=3}): this
 * JVM hosts the fleet (Gatling runs in it), the two guests are real Gatling JVMs on loopback. Killing a guest JVM
 * (the conductor, or another) is a real {@code SIGKILL}.
 */
class SpreadRunTest {

    private static final int SECONDS = 9;
    private static final double RATE = 200;
    private static final Pattern PROPERTY = Pattern.compile("-D(rpc\\.[a-zA-Z.]+)=(\\S+)");

    @TempDir
    Path results;

    private final String marker = UUID.randomUUID().toString();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopEverything() throws InterruptedException {
        guests().forEach(ProcessHandle::destroyForcibly);
        thread.shutdownNow();
        thread.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Test
    void threeInjectorJvmsRunCrashOneAsOneRunWithEachStepOnceOneMergedReportAndTheHistoryCheckGreen()
            throws Exception {
        int rc = runCrashOne(Map.of()).get(3, TimeUnit.MINUTES);

        assertThat(rc).as("the host's Gatling exit code").isZero();
        Path host = hostFolder();
        assertThat(outcome(host)).startsWith("complete\n");
        assertThat(Files.list(host.resolve("injectors")).filter(Files::isDirectory).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("injector-1", "injector-2");
        // Each chaos step once: claimed once, run once on the fleet.
        String timeline = Files.readString(host.resolve(RunFolder.TIMELINE));
        assertThat(count(timeline, "\"action\":\"chaos-claimed\"")).isEqualTo(3);
        assertThat(count(timeline, "\"action\":\"crash\",\"subject\":\"p1\"")).isEqualTo(1);
        assertThat(count(timeline, "\"action\":\"restart\",\"subject\":\"p1\"")).isEqualTo(1);
        // Every injector's history checked: three clients, no violation.
        List<String> checks = Files.readAllLines(host.resolve(RunFolder.HISTORY_CHECK_JSON)).stream()
                .filter(l -> !l.isBlank()).toList();
        assertThat(checks).hasSize(3).allMatch(l -> l.contains("\"violations\":0"));
        RunHistoryCheck.main(new String[] {host.toString()});
        // One merged report of the three folders: the run's calls, within 2% of the scenario's rate times duration.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReportWriter.Result report = ReportMain.run(new String[] {"--baseline", "none", results.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(report.index()).exists();
        String markdown = out.toString(StandardCharsets.UTF_8);
        Matcher row = Pattern.compile("\\| CrashOneSimulation \\| pass \\| (\\d+) \\|").matcher(markdown);
        assertThat(row.find()).as(markdown).isTrue();
        assertThat(Long.parseLong(row.group(1))).isCloseTo(Math.round(RATE * SECONDS),
                org.assertj.core.data.Percentage.withPercentage(2));
    }

    @Test
    void killingTheConductorHandsTheRemainingStepsToAnotherNoneRepeatedAndTheRunFailsNamingIt() throws Exception {
        Future<Integer> run = runCrashOne(Map.of());
        Guest conductor = awaitConductorOf("crash provider 1");
        conductor.process().destroyForcibly();

        // The host's after() fails once everything is written (run as a program, Gatling then exits with 1).
        assertThatThrownBy(() -> run.get(3, TimeUnit.MINUTES)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InjectorRunException.class).hasMessageContaining(conductor.id());
        Path host = hostFolder();
        String outcome = outcome(host);
        assertThat(outcome.lines().findFirst().orElseThrow()).startsWith("failed:").contains(conductor.id());
        Map<String, String> claims = claims(outcome);
        assertThat(claims.get("crash provider 1 #0")).isEqualTo("done by " + conductor.id());
        assertThat(claims.get("restart provider 1 #0")).startsWith("done by injector-")
                .doesNotContain(conductor.id()).doesNotContain("injector-0");
        String timeline = Files.readString(host.resolve(RunFolder.TIMELINE));
        assertThat(count(timeline, "\"action\":\"crash\",\"subject\":\"p1\"")).isEqualTo(1);
        assertThat(count(timeline, "\"action\":\"restart\",\"subject\":\"p1\"")).isEqualTo(1);
        assertThatThrownBy(() -> RunHistoryCheck.main(new String[] {host.toString()}))
                .hasMessageContaining(conductor.id());
    }

    @Test
    void killingAnotherInjectorWithThePartialOptionEndsThePartialRunNamingIt() throws Exception {
        Future<Integer> run = runCrashOne(Map.of("rpc.injectors.onLost", "partial"));
        Guest conductor = awaitConductorOf("crash provider 1");
        Guest other = guest(conductor.index() == 1 ? 2 : 1).orElseThrow();
        other.process().destroyForcibly();
        int rc = run.get(3, TimeUnit.MINUTES);

        Path host = hostFolder();
        assertThat(outcome(host).lines().findFirst().orElseThrow()).isEqualTo("partial: lost " + other.id());
        assertThat(claims(outcome(host)).get("restart provider 1 #0")).isEqualTo("done by " + conductor.id());
        assertThat(rc).isZero();
        RunHistoryCheck.main(new String[] {host.toString()});
    }

    @Test
    void anInjectorOverItsErrorThresholdAbortsTheWholeRunAndEveryInjectorStopsSending() throws Exception {
        // The storm fails a fifth of provider 1's calls from a third of the run on: about 7% of all calls.
        Future<Integer> run = runSpread(ErrorStormSimulation.class, 2,
                Map.of("rpc.injectors.abortIfErrorPercent", "0.5"));

        assertThatThrownBy(() -> run.get(3, TimeUnit.MINUTES)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InjectorRunException.class).hasMessageContaining("aborted by injector-")
                .hasMessageContaining("over rpc.injectors.abortIfErrorPercent 0.5");
        Path host = hostFolder();
        assertThat(outcome(host)).startsWith("failed: ").contains("aborted by injector-");
        // Both stopped soon after the storm began (at 3 s of 9): far fewer calls than the 1,800 offered.
        ScenarioRunCalls calls = ScenarioRunCalls.of(host);
        assertThat(calls.total()).isLessThan(Math.round(RATE * SECONDS * 0.75));
        assertThat(calls.perInjector()).hasSize(2).allMatch(c -> c < RATE * SECONDS * 0.75 / 2);
    }

    /** Runs CrashOne in this JVM as the host of three injectors; the properties are this run's only. */
    private Future<Integer> runCrashOne(Map<String, String> extra) {
        return runSpread(CrashOneSimulation.class, 3, extra);
    }

    private Future<Integer> runSpread(Class<?> simulation, int injectors, Map<String, String> extra) {
        Map<String, String> properties = new LinkedHashMap<>(Map.of("rpc.injectors", String.valueOf(injectors),
                "rpc.duration", String.valueOf(SECONDS), "rpc.rate", String.valueOf(RATE),
                "rpc.resultsDir", results.toString(), "rpc.test.marker", marker));
        properties.putAll(extra);
        return thread.submit(() -> {
            properties.forEach(System::setProperty);
            try {
                return Gatling$.MODULE$.fromArgs(new String[] {"--simulation", simulation.getName(),
                    "--results-folder", results.toString()});
            } finally {
                properties.keySet().forEach(System::clearProperty);
            }
        });
    }

    private record Guest(int index, ProcessHandle process, Map<String, String> properties) {
        String id() {
            return "injector-" + index;
        }
    }

    private Stream<ProcessHandle> guests() {
        return ProcessHandle.current().children().filter(p -> {
            String c = commandLine(p);
            return c.contains("-Drpc.test.marker=" + marker) && c.contains("io.gatling.app.Gatling");
        });
    }

    /** The whole command line (ProcessHandle.Info may leave out long ones): /proc on Linux, else the Info's. */
    private static String commandLine(ProcessHandle p) {
        Path proc = Path.of("/proc", String.valueOf(p.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (java.io.IOException e) {
            // ended meanwhile
        }
        return p.info().commandLine().orElse("");
    }

    private Optional<Guest> guest(int index) {
        return guests().map(p -> {
            Map<String, String> props = new LinkedHashMap<>();
            Matcher m = PROPERTY.matcher(commandLine(p));
            while (m.find()) {
                props.put(m.group(1), m.group(2));
            }
            return new Guest(Integer.parseInt(props.getOrDefault("rpc.injector.index", "-1")), p, props);
        }).filter(g -> g.index() == index).findFirst();
    }

    /** Waits until a conductor claimed and the host ran {@code step}, then returns that conductor's JVM. */
    private Guest awaitConductorOf(String step) throws Exception {
        Guest any = await().atMost(Duration.ofSeconds(60)).until(() -> guest(1), Optional::isPresent).orElseThrow();
        String runId = any.properties().get("rpc.run.id");
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(any.properties().get("rpc.coordinator"),
                new RetryOneTime(100))) {
            client.start();
            StepClaim claim = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ChaosRelay.claimsOf(client, runId).stream()
                            .filter(c -> c.step().equals(step) && c.state().equals(StepClaim.DONE)).findFirst(),
                            Optional::isPresent).orElseThrow();
            int index = Integer.parseInt(claim.injector().substring("injector-".length()));
            return guest(index).orElseThrow();
        }
    }

    private Path hostFolder() throws Exception {
        try (Stream<Path> dirs = Files.list(results)) {
            List<Path> hosts = dirs.filter(d -> Files.isRegularFile(d.resolve(RunFolder.INJECTORS_OUTCOME))).toList();
            assertThat(hosts).hasSize(1);
            return hosts.get(0);
        }
    }

    /** The calls each injector's folder recorded (its summary), the host's first. */
    private record ScenarioRunCalls(List<Long> perInjector) {
        static ScenarioRunCalls of(Path host) throws Exception {
            List<Path> folders = dev.rpcharness.reports.run.ScenarioRun.withInjectors(host);
            return new ScenarioRunCalls(dev.rpcharness.reports.run.ScenarioRun.read(folders).traffic().stream()
                    .map(dev.rpcharness.reports.run.ScenarioRun.Traffic::calls).toList());
        }

        long total() {
            return perInjector.stream().mapToLong(Long::longValue).sum();
        }
    }

    private static String outcome(Path host) throws Exception {
        return Files.readString(host.resolve(RunFolder.INJECTORS_OUTCOME));
    }

    /** "step #n" to "state by injector-i", from the outcome file's claim lines. */
    private static Map<String, String> claims(String outcome) {
        Map<String, String> claims = new LinkedHashMap<>();
        outcome.lines().filter(l -> l.contains(" #") && l.contains(": ")).forEach(l -> {
            int colon = l.lastIndexOf(": ");
            claims.put(l.substring(0, colon), l.substring(colon + 2));
        });
        return claims;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
