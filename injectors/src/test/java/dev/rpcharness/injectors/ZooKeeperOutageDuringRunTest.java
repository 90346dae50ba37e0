package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.run.Timeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/injectors.md: ZooKeeper down for less than the session timeout during a run is not noticed. */
class ZooKeeperOutageDuringRunTest {

    private static final int STEPS = 5;

    @Test
    void zooKeeperDownForLessThanTheSessionTimeoutLeavesTheRunCompleteWithEveryStepOnce() throws Exception {
        List<String> executions = new CopyOnWriteArrayList<>();
        try (Fleet fleet = new Fleet()) {
            RunSpec spec = RunSpec.of("run-outage", "CrashOne", 7, 3).withBarrierTimeout(Duration.ofSeconds(30));
            new Coordinator(fleet.client()).publish(spec);
            List<InjectorRun> runs = new ArrayList<>();
            List<ChaosConductor> conductors = new ArrayList<>();
            List<Future<Long>> starts = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    InjectorRun run = InjectorRun.join(new Coordinator(fleet.client()), spec, i);
                    runs.add(run);
                    starts.add(fleet.threads.submit(run::awaitStart));
                }
                for (Future<Long> start : starts) {
                    start.get(30, TimeUnit.SECONDS);
                }
                for (InjectorRun run : runs) {
                    List<ChaosStep> steps = new ArrayList<>();
                    for (int s = 0; s < STEPS; s++) {
                        int index = s;
                        steps.add(new ChaosStep("step-" + s, Duration.ofMillis(1_000L * s),
                                () -> executions.add(index + " by " + run.id())));
                    }
                    ChaosConductor conductor = new ChaosConductor(run, steps, new Timeline());
                    conductors.add(conductor);
                    conductor.start();
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> executions.size() >= 1);
                fleet.zk.stop(); // the sessions (10 s) outlive this outage
                Thread.sleep(2_000);
                fleet.zk.restart();
                await().atMost(Duration.ofSeconds(40)).until(() -> executions.size() >= STEPS);

                List<Future<RunOutcome>> ends = new ArrayList<>();
                for (InjectorRun run : runs) {
                    ends.add(fleet.threads.submit(run::finish));
                }
                for (Future<RunOutcome> end : ends) {
                    assertThat(end.get(40, TimeUnit.SECONDS).complete()).isTrue();
                }
                Map<String, Long> perStep = executions.stream()
                        .collect(Collectors.groupingBy(e -> e.substring(0, e.indexOf(' ')), Collectors.counting()));
                assertThat(perStep).as("executions %s", executions).hasSize(STEPS);
                assertThat(perStep.values()).as("executions %s", executions).allMatch(n -> n == 1);
                assertThat(runs).allSatisfy(r -> assertThat(r.lost()).isEmpty());
                assertThat(conductors.get(0).claims()).extracting(StepClaim::state).containsOnly(StepClaim.DONE);
            } finally {
                conductors.forEach(ChaosConductor::close);
                runs.forEach(InjectorRun::close);
            }
        }
    }
}
