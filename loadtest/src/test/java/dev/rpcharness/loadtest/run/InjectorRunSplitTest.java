package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.injectors.ClockOffset;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.run.ScenarioRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** The stand-alone injector built on the injectors module: two of them as one run split the rate exactly. */
class InjectorRunSplitTest {

    private static final int RATE = 101;
    private static final int SECONDS = 3;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void twoInjectorsOfOneRunSendTheRunsCallsExactlyOnceBetweenThemAndRecordTheirClockOffsets() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (RpcCluster cluster = RpcCluster.builder().providers(1)
                .serve(EchoService.class, EchoServiceImpl::new).build()) {
            List<Future<Path>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Injector injector = Injector.parse(new String[] {"--zk", cluster.connectString(), "--base-path",
                        cluster.basePath(), "--rate", String.valueOf(RATE), "--seconds", String.valueOf(SECONDS),
                        "--name", "host-" + i, "--out", dir.resolve("host-" + i).toString(),
                        "--run", "split-run", "--index", String.valueOf(i), "--injectors", "2"});
                runs.add(threads.submit(injector::run));
            }
            long calls = 0;
            List<Long> perInjector = new ArrayList<>();
            for (Future<Path> run : runs) {
                Path folder = run.get(120, TimeUnit.SECONDS);
                long mine = ScenarioAnalysis.of(ScenarioRun.read(folder)).calls();
                perInjector.add(mine);
                calls += mine;
                ClockOffset.Offset offset = ClockOffset.read(folder);
                assertThat(offset.reference()).isEqualTo("injector-0");
                assertThat(Math.abs(offset.aheadMillis())).as("one machine, one clock: %s", offset)
                        .isLessThanOrEqualTo(offset.uncertaintyMillis());
            }
            assertThat(calls).as("the run's calls, once: %s", perInjector).isEqualTo((long) RATE * SECONDS);
            assertThat(perInjector).containsExactly(152L, 151L);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void runOptionsAreChecked() {
        assertThatThrownBy(() -> Injector.parse(new String[] {"--direct", "127.0.0.1:1", "--out", "x",
                "--run", "r"})).hasMessageContaining("--run needs --zk");
        assertThatThrownBy(() -> Injector.parse(new String[] {"--zk", "127.0.0.1:1", "--out", "x",
                "--run", "r", "--index", "2", "--injectors", "2"})).hasMessageContaining("--index must be in");
    }
}
