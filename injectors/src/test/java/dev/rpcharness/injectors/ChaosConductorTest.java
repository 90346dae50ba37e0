package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import dev.rpcharness.run.TimelineEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChaosConductorTest {

    private static final int STEPS = 6;

    private Fleet fleet;
    /** Every execution of every step: "index by injector". */
    private final List<String> executions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        fleet = new Fleet();
    }

    @AfterEach
    void closeAll() throws Exception {
        fleet.close();
    }

    /** One injector of the run: its client, run, timeline and conductor. */
    private record Member(CuratorFramework client, InjectorRun run, Timeline timeline, ChaosConductor conductor) {
    }

    private List<Member> startRun(String runId, int injectors) throws Exception {
        List<Fleet.Joined> joined = fleet.startRun(RunSpec.of(runId, "CrashOne", 7, injectors)
                .withBarrierTimeout(Duration.ofSeconds(20)));
        List<InjectorRun> runs = joined.stream().map(Fleet.Joined::run).toList();
        List<CuratorFramework> clients = joined.stream().map(Fleet.Joined::client).toList();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < injectors; i++) {
            InjectorRun run = runs.get(i);
            List<ChaosStep> steps = new ArrayList<>();
            for (int s = 0; s < STEPS; s++) {
                int index = s;
                steps.add(new ChaosStep("step-" + s, Duration.ofMillis(300L * s),
                        () -> executions.add(index + " by " + run.id())));
            }
            Timeline timeline = new Timeline();
            ChaosConductor conductor = new ChaosConductor(run, steps, timeline);
            fleet.closeAtEnd(conductor);
            members.add(new Member(clients.get(i), run, timeline, conductor));
        }
        members.forEach(m -> m.conductor().start());
        return members;
    }

    @Test
    void exactlyOneInjectorRunsEachStepOnceAndTheTimelineNamesIt() throws Exception {
        List<Member> members = startRun("run-chaos", 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> executions.size() == STEPS
                && members.get(0).conductor().claims().stream().allMatch(c -> c.state().equals(StepClaim.DONE)));
        // Nobody runs a step again later: the count holds for a while.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> executions.size() == STEPS);
        assertThat(executions).hasSize(STEPS);
        String conductor = members.get(0).conductor().conductorId();
        assertThat(conductor).startsWith("injector-");
        assertThat(executions).allMatch(e -> e.endsWith(" by " + conductor));
        assertThat(members.get(1).conductor().claims()).extracting(StepClaim::injector).containsOnly(conductor);
        Member leader = members.stream().filter(m -> m.run().id().equals(conductor)).findFirst().orElseThrow();
        assertThat(leader.timeline().events()).filteredOn(e -> e.action().equals(TimelineAction.CHAOS_CLAIMED.label()))
                .extracting(TimelineEvent::detail).containsExactly("step 0 by " + conductor, "step 1 by " + conductor,
                        "step 2 by " + conductor, "step 3 by " + conductor, "step 4 by " + conductor,
                        "step 5 by " + conductor);
        members.stream().filter(m -> m != leader).forEach(m -> assertThat(m.timeline().events()).isEmpty());
    }

    @Test
    void whenTheConductorDiesAnotherTakesOverTheRemainingStepsWithoutRepeatingOne() throws Exception {
        List<Member> members = startRun("run-takeover", 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> executions.size() >= 2);
        String first = members.get(0).conductor().conductorId();
        Member dying = members.stream().filter(m -> m.run().id().equals(first)).findFirst().orElseThrow();
        dying.client().close(); // the conductor's JVM dies mid-run
        dying.conductor().close();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<StepClaim> claims = members.stream().filter(m -> m != dying).findFirst().orElseThrow()
                    .conductor().claims();
            return claims.size() == STEPS && claims.stream().noneMatch(c -> c.state().equals(StepClaim.CLAIMED)
                    && !c.injector().equals(first));
        });
        int seen = executions.size();
        // No step runs again later: the count holds for a while.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> executions.size() == seen);
        Map<String, Long> perStep = executions.stream()
                .collect(Collectors.groupingBy(e -> e.substring(0, e.indexOf(' ')), Collectors.counting()));
        assertThat(perStep.values()).as("executions %s", executions).allMatch(n -> n == 1);
        Member survivor = members.stream().filter(m -> m != dying).findFirst().orElseThrow();
        String second = survivor.conductor().conductorId();
        assertThat(second).isNotEqualTo(first).startsWith("injector-");
        List<StepClaim> claims = survivor.conductor().claims();
        assertThat(claims).hasSize(STEPS);
        assertThat(claims).extracting(StepClaim::injector).contains(first, second);
        assertThat(claims.get(STEPS - 1).injector()).isEqualTo(second);
        assertThat(executions).filteredOn(e -> e.endsWith(second)).isNotEmpty();
        // Steps not run by the dead one: every one ran (only a step it died running may be missing).
        long notRun = STEPS - executions.size();
        assertThat(notRun).isBetween(0L, 1L);
    }

    @Test
    void aStepThatThrowsIsMarkedFailedAndTheNextStillRuns() throws Exception {
        RunSpec spec = RunSpec.of("run-throws", "CrashOne", 7, 1).withBarrierTimeout(Duration.ofSeconds(20));
        CuratorFramework client = fleet.client();
        new Coordinator(client).publish(spec);
        InjectorRun run = InjectorRun.join(new Coordinator(client), spec, 0);
        fleet.closeAtEnd(run);
        run.awaitStart();
        Timeline timeline = new Timeline();
        ConcurrentHashMap<String, Boolean> ran = new ConcurrentHashMap<>();
        ChaosConductor conductor = new ChaosConductor(run, List.of(
                new ChaosStep("boom", Duration.ZERO, () -> {
                    throw new IllegalStateException("provider p0 not found");
                }),
                new ChaosStep("after", Duration.ofMillis(10), () -> ran.put("after", true))), timeline);
        fleet.closeAtEnd(conductor);
        conductor.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> conductor.claims().size() == 2
                && conductor.claims().get(1).state().equals(StepClaim.DONE));
        assertThat(conductor.claims().get(0).state()).isEqualTo(StepClaim.FAILED);
        assertThat(ran).containsKey("after");
        assertThat(timeline.events()).extracting(TimelineEvent::action)
                .containsExactly("chaos-claimed", "chaos-failed", "chaos-claimed");
    }
}
