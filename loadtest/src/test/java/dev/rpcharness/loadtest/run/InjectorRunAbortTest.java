package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.injectors.RunAbortedException;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.run.ScenarioRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-alone injector's {@code --abort-if-error-percent} in a coordinated run: the injector whose provider
 * fails aborts the run, and both injectors stop early, finish and fail naming it.
 */
class InjectorRunAbortTest {

    private static final int RATE = 200;
    private static final int SECONDS = 30;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    /** Answers the injector's readiness probe, fails every call of the load. */
    static final class FailingEcho implements EchoService {
        @Override
        public String echo(String text) {
            if (text.equals("ready")) {
                return text;
            }
            throw new IllegalStateException("this provider fails on purpose");
        }
    }

    @Test
    void anInjectorOverItsErrorShareAbortsTheRunAndEveryInjectorStopsAndFailsNamingIt() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (RpcCluster healthy = RpcCluster.builder().providers(1)
                        .serve(EchoService.class, EchoServiceImpl::new).build();
                RpcCluster failing = RpcCluster.builder().providers(1).externalZooKeeper(healthy.connectString())
                        .basePath("/rpc-failing").serve(EchoService.class, FailingEcho::new).build()) {
            List<Future<Path>> runs = new ArrayList<>();
            long began = System.nanoTime();
            for (int i = 0; i < 2; i++) {
                String basePath = i == 0 ? healthy.basePath() : failing.basePath(); // injector-1 sees only failures
                Injector injector = Injector.parse(new String[] {"--zk", healthy.connectString(), "--base-path",
                        basePath, "--rate", String.valueOf(RATE), "--seconds", String.valueOf(SECONDS),
                        "--name", "host-" + i, "--out", dir.resolve("host-" + i).toString(),
                        "--run", "abort-run", "--index", String.valueOf(i), "--injectors", "2",
                        "--abort-if-error-percent", "5"});
                runs.add(threads.submit(injector::run));
            }
            for (Future<Path> run : runs) {
                assertThatThrownBy(() -> run.get(120, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(RunAbortedException.class)
                        .hasMessageContaining("run abort-run aborted by injector-1")
                        .hasMessageContaining("host-1: 100.0% of")
                        .hasMessageContaining("over --abort-if-error-percent 5.0");
            }
            long tookSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
            assertThat(tookSeconds).as("stopped well before the load's %d s", SECONDS).isLessThan(SECONDS - 10);
            for (int i = 0; i < 2; i++) {
                long calls = ScenarioAnalysis.of(ScenarioRun.read(dir.resolve("host-" + i))).calls();
                assertThat(calls).as("host-%d sent part of its share, then stopped", i)
                        .isBetween(1L, (long) RATE * SECONDS / 2 / 2);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theThresholdIsChecked() {
        assertThatThrownBy(() -> Injector.parse(new String[] {"--direct", "127.0.0.1:1", "--out", "x",
                "--abort-if-error-percent", "100"})).hasMessageContaining("--abort-if-error-percent must be in");
        assertThatThrownBy(() -> Injector.parse(new String[] {"--direct", "127.0.0.1:1", "--out", "x",
                "--abort-if-error-percent", "lots"})).hasMessageContaining("--abort-if-error-percent needs a number");
    }
}
