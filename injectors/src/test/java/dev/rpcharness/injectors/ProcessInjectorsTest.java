package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three injector JVMs on loopback, one real ZooKeeper; the conductor's JVM is killed (SIGKILL) mid-run. */
class ProcessInjectorsTest {

    private static final Pattern EXECUTED = Pattern.compile("EXECUTED (step-\\d+) by (injector-\\d+)");

    @Test
    void killedConductorJvmIsNamedByTheOthersAndItsSuccessorRunsTheRemainingStepsOnce(@TempDir Path folder)
            throws Exception {
        try (Fleet fleet = new Fleet()) {
            RunSpec spec = RunSpec.of("run-jvms", "CrashOne", 7, 3).withBarrierTimeout(Duration.ofSeconds(60))
                    .withOptions(Map.of("loadMillis", "20000"));
            CuratorFramework observer = fleet.client();
            new Coordinator(observer).publish(spec);
            try (InjectorLauncher launcher = InjectorLauncher.start(spec, fleet.zk.getConnectString(),
                    ChildInjector.class, List.of("-Xmx96m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"), folder)) {
                String step0 = "/rpc-harness/runs/run-jvms/chaos/000000";
                await().atMost(Duration.ofSeconds(90)).until(() -> observer.checkExists().forPath(step0) != null);
                @SuppressWarnings("unchecked")
                String conductor = (String) new ObjectMapper().readValue(observer.getData().forPath(step0), Map.class)
                        .get("injector");
                int killed = Integer.parseInt(conductor.substring("injector-".length()));
                // Mid-run, between steps: after it ran step 1 (at 2 s), before step 2 (at 4 s).
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Files.readString(launcher.log(killed)).contains("EXECUTED step-1 by"));
                launcher.process(killed).destroyForcibly().waitFor();

                List<Integer> codes = launcher.awaitExit(Duration.ofSeconds(120));
                List<String> executed = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String log = Files.readString(launcher.log(i));
                    Matcher m = EXECUTED.matcher(log);
                    while (m.find()) {
                        executed.add(m.group(1) + " by " + m.group(2));
                    }
                    if (i != killed) {
                        assertThat(codes.get(i)).as("exit of injector-%d:%n%s", i, log).isEqualTo(2);
                        assertThat(log).contains("LOST run run-jvms failed").contains(conductor);
                    }
                }
                List<String> stepsRun = executed.stream().map(e -> e.substring(0, e.indexOf(' '))).toList();
                assertThat(stepsRun).as("every step at most once: %s", executed).doesNotHaveDuplicates();
                assertThat(stepsRun.size()).as("only a step the dead one was running may be missing: %s", executed)
                        .isBetween(ChildInjector.STEPS - 1, ChildInjector.STEPS);
                assertThat(executed).anyMatch(e -> e.endsWith(conductor))
                        .anyMatch(e -> !e.endsWith(conductor));
                assertThat(observer.getChildren().forPath("/rpc-harness/runs/run-jvms/chaos"))
                        .hasSize(ChildInjector.STEPS);
            }
        }
    }
}
