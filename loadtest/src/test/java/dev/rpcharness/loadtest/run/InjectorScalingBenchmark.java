package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.run.ScenarioRun;
import dev.rpcharness.reports.run.TimelineEntry;
import dev.rpcharness.run.TimelineAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, not asserts, the calls/s of one coordinated run of the stand-alone injector on 1, 2 and 3 injector JVMs
 * on this machine, against one fleet of 3 providers in this JVM: each run offers more than the machine can send
 * ({@link #RATE} for {@link #SECONDS} s, so every injector sends as fast as it can, behind schedule), and the
 * figure is the run's calls over the time from the first injector's start to the last one's stop (their timelines).
 * On a 2-core machine the figure shows what coordinating more JVMs costs, not a speed-up. Not run by default (its
 * name is not a test's): {@code mvn -B -ntp -pl loadtest -am test -Dtest=InjectorScalingBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Drpc.scaling.max=2} stops at two JVMs.
 */
class InjectorScalingBenchmark {

    private static final int RATE = 200_000;
    private static final int SECONDS = 5;

    @TempDir
    Path dir;

    @Test
    void callsPerSecondOnOneTwoAndThreeInjectorJvms() throws Exception {
        int max = Integer.getInteger("rpc.scaling.max", 3);
        List<String> lines = new ArrayList<>();
        for (int n = 1; n <= max; n++) {
            lines.add(measure(n));
        }
        System.out.println("injector JVMs | calls | seconds (first start to last stop) | calls/s");
        lines.forEach(System.out::println);
    }

    private String measure(int n) throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(3)
                .serve(EchoService.class, EchoServiceImpl::new).build()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> processes = new ArrayList<>();
            List<Path> folders = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Path folder = dir.resolve("n" + n + "-injector-" + i);
                    folders.add(folder);
                    processes.add(new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                            Injector.class.getName(), "--zk", cluster.connectString(), "--base-path",
                            cluster.basePath(), "--rate", String.valueOf(RATE), "--seconds", String.valueOf(SECONDS),
                            "--timeout-ms", "5000", "--max-in-flight", "2000", "--name", "injector-" + i,
                            "--out", folder.toString(), "--run", "scaling-" + n, "--index", String.valueOf(i),
                            "--injectors", String.valueOf(n))
                            .redirectErrorStream(true).redirectOutput(dir.resolve("n" + n + "-" + i + ".log").toFile())
                            .start());
                }
                for (int i = 0; i < n; i++) {
                    assertThat(processes.get(i).waitFor(300, TimeUnit.SECONDS)).as("injector %d of %d ended", i, n)
                            .isTrue();
                    assertThat(processes.get(i).exitValue()).as("injector %d of %d, see %s", i, n, dir).isZero();
                }
            } finally {
                processes.forEach(Process::destroyForcibly);
            }
            long calls = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (Path folder : folders) {
                ScenarioRun run = ScenarioRun.read(folder);
                calls += ScenarioAnalysis.of(run).calls();
                for (TimelineEntry e : run.timeline()) {
                    if (e.action().equals(TimelineAction.INJECTOR_START.label())) {
                        first = Math.min(first, e.wallMillis());
                    } else if (e.action().equals(TimelineAction.INJECTOR_STOP.label())) {
                        last = Math.max(last, e.wallMillis());
                    }
                }
            }
            assertThat(calls).as("the run's calls, once").isEqualTo((long) RATE * SECONDS);
            double seconds = (last - first) / 1000.0;
            return String.format(Locale.ROOT, "%d | %,d | %.2f | %,.0f", n, calls, seconds, calls / seconds);
        }
    }
}
