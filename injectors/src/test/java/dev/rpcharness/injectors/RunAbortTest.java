package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An SLO breach in one injector aborts every injector of a run that opts in, and only such a run. */
class RunAbortTest {

    private Fleet fleet;

    @BeforeEach
    void startZooKeeper() throws Exception {
        fleet = new Fleet();
    }

    @AfterEach
    void closeAll() throws Exception {
        fleet.close();
    }

    @Test
    void oneInjectorAbortsTheRunEveryInjectorSeesWhoAndWhyAndEveryFinishFailsNamingIt() throws Exception {
        RunSpec spec = RunSpec.of("run-abort", "CrashOne", 7, 3).withBarrierTimeout(Duration.ofSeconds(20))
                .withAbortOnBreach(true);
        new Coordinator(fleet.client()).publish(spec);
        List<InjectorRun> runs = startedRuns(spec);
        List<RunAbort> aborts = new ArrayList<>();
        Map<String, List<Abort>> told = new ConcurrentHashMap<>();
        for (InjectorRun run : runs) {
            RunAbort abort = RunAbort.start(run);
            fleet.closeAtEnd(abort);
            List<Abort> mine = new CopyOnWriteArrayList<>();
            told.put(run.id(), mine);
            abort.onAbort(mine::add);
            aborts.add(abort);
        }
        assertThat(aborts).allSatisfy(a -> assertThat(a.aborted()).isEmpty());

        long before = System.currentTimeMillis();
        Optional<Abort> first = aborts.get(1).abort("12.5% of 400 calls failed, over 5%");
        long abortedNanos = System.nanoTime();
        assertThat(first).hasValueSatisfying(a -> assertThat(a.injector()).isEqualTo("injector-1"));

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> aborts.stream().allMatch(a -> a.aborted().isPresent()));
        long seenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - abortedNanos);
        assertThat(seenMillis).as("every injector saw it within 2 s").isLessThan(2_000);
        for (int i = 0; i < 3; i++) {
            Abort seen = aborts.get(i).aborted().orElseThrow();
            assertThat(seen.injector()).isEqualTo("injector-1");
            assertThat(seen.reason()).isEqualTo("12.5% of 400 calls failed, over 5%");
            assertThat(seen.atMillis()).isBetween(before, System.currentTimeMillis());
            assertThat(told.get("injector-" + i)).as("told once").containsExactly(seen);
        }

        // A second abort, by another injector, does not replace the first, nor tell anyone again.
        Optional<Abort> second = aborts.get(2).abort("another reason");
        assertThat(second).hasValueSatisfying(a -> {
            assertThat(a.injector()).isEqualTo("injector-1");
            assertThat(a.reason()).isEqualTo("12.5% of 400 calls failed, over 5%");
        });
        CuratorFramework reader = fleet.client();
        Abort stored = Abort.fromJson(reader.getData().forPath(runs.get(0).paths().abort()));
        assertThat(stored.injector()).isEqualTo("injector-1");
        assertThat(told.values()).allSatisfy(t -> assertThat(t).hasSize(1));
        List<Abort> late = new CopyOnWriteArrayList<>();
        aborts.get(0).onAbort(late::add);
        assertThat(late).as("a listener registered after the abort is told at once").containsExactly(stored);

        // Every injector stops and finishes: the end barrier fills, and every finish() fails naming injector-1.
        List<Future<RunOutcome>> ends = new ArrayList<>();
        for (InjectorRun run : runs) {
            ends.add(fleet.threads.submit(run::finish));
        }
        for (int i = 0; i < 3; i++) {
            Future<RunOutcome> end = ends.get(i);
            assertThatThrownBy(() -> end.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RunAbortedException.class)
                    .hasMessageContaining("run run-abort aborted by injector-1")
                    .hasMessageContaining("12.5% of 400 calls failed, over 5%")
                    .hasMessageContaining("seen by injector-" + i)
                    .satisfies(e -> assertThat(((RunAbortedException) e).abort()).isEqualTo(stored));
        }
    }

    @Test
    void withoutTheOptInAbortWritesNothingAndTheRunEndsComplete() throws Exception {
        RunSpec spec = RunSpec.of("run-no-abort", "CrashOne", 7, 3).withBarrierTimeout(Duration.ofSeconds(20));
        new Coordinator(fleet.client()).publish(spec);
        List<InjectorRun> runs = startedRuns(spec);
        List<RunAbort> aborts = new ArrayList<>();
        List<Abort> told = new CopyOnWriteArrayList<>();
        for (InjectorRun run : runs) {
            RunAbort abort = RunAbort.start(run);
            fleet.closeAtEnd(abort);
            abort.onAbort(told::add);
            aborts.add(abort);
        }

        assertThat(aborts.get(1).abort("12.5% of 400 calls failed, over 5%")).as("refused: no opt-in").isEmpty();

        assertThat(fleet.client().checkExists().forPath(runs.get(0).paths().abort())).as("no abort node").isNull();
        await().during(RunAbort.POLL.multipliedBy(3)).atMost(Duration.ofSeconds(10))
                .until(() -> aborts.stream().allMatch(a -> a.aborted().isEmpty()) && told.isEmpty());
        List<Future<RunOutcome>> ends = new ArrayList<>();
        for (InjectorRun run : runs) {
            ends.add(fleet.threads.submit(run::finish));
        }
        for (Future<RunOutcome> end : ends) {
            assertThat(end.get(30, TimeUnit.SECONDS).complete()).isTrue();
        }
    }

    @Test
    void theOptInSurvivesTheSpecsJsonAndMakesAnotherSpec() throws Exception {
        RunSpec plain = RunSpec.of("run-json", "CrashOne", 7, 2).withOptions(Map.of("rate", "100"));
        RunSpec optIn = plain.withAbortOnBreach(true);
        assertThat(plain.abortOnBreach()).isFalse();
        assertThat(RunSpec.fromJson(optIn.toJson())).isEqualTo(optIn);
        assertThat(RunSpec.fromJson(plain.toJson())).isEqualTo(plain);
        assertThat(new String(plain.toJson(), java.nio.charset.StandardCharsets.UTF_8))
                .as("a spec without the opt-in is the same JSON as before it existed").doesNotContain("abortOnBreach");
        assertThat(optIn.withBarrierTimeout(Duration.ofSeconds(5)).abortOnBreach()).isTrue();

        Coordinator coordinator = new Coordinator(fleet.client());
        coordinator.publish(optIn);
        coordinator.publish(optIn);
        assertThat(coordinator.awaitSpec("run-json", Duration.ofSeconds(5))).isEqualTo(optIn);
        assertThatThrownBy(() -> coordinator.publish(plain)).isInstanceOf(InjectorRunException.class)
                .hasMessageContaining("already published with another");
    }

    /** Three injectors of {@code spec}, each on its own client, past the start barrier. */
    private List<InjectorRun> startedRuns(RunSpec spec) throws Exception {
        List<InjectorRun> runs = new ArrayList<>();
        List<Future<Long>> starts = new ArrayList<>();
        for (int i = 0; i < spec.injectors(); i++) {
            InjectorRun run = InjectorRun.join(new Coordinator(fleet.client()), spec, i);
            fleet.closeAtEnd(run);
            runs.add(run);
            starts.add(fleet.threads.submit(run::awaitStart));
        }
        for (Future<Long> start : starts) {
            start.get(30, TimeUnit.SECONDS);
        }
        return runs;
    }
}
