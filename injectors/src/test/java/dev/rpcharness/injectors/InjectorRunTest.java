package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InjectorRunTest {

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
    void threeInjectorsStartTogetherAndEndComplete() throws Exception {
        RunSpec spec = RunSpec.of("run-complete", "CrashOne", 7, 3).withBarrierTimeout(Duration.ofSeconds(20));
        new Coordinator(fleet.client()).publish(spec);
        List<Future<RunOutcome>> outcomes = new ArrayList<>();
        List<Long> startedAfterLastJoined = new CopyOnWriteArrayList<>();
        long[] lastJoin = new long[1];
        for (int i = 0; i < 3; i++) {
            int index = i;
            CuratorFramework client = fleet.client();
            outcomes.add(fleet.threads.submit(() -> {
                Coordinator coordinator = new Coordinator(client);
                RunSpec read = coordinator.awaitSpec("run-complete", Duration.ofSeconds(10));
                if (index == 2) {
                    Thread.sleep(300); // the last one is late: the others must wait for it
                    synchronized (lastJoin) {
                        lastJoin[0] = System.nanoTime();
                    }
                }
                try (InjectorRun run = InjectorRun.join(coordinator, read, index)) {
                    long start = run.awaitStart();
                    synchronized (lastJoin) {
                        startedAfterLastJoined.add(start - lastJoin[0]);
                    }
                    return run.finish();
                }
            }));
        }
        for (Future<RunOutcome> outcome : outcomes) {
            RunOutcome o = outcome.get(30, TimeUnit.SECONDS);
            assertThat(o.complete()).as(o.toString()).isTrue();
            assertThat(o.lost()).isEmpty();
        }
        assertThat(startedAfterLastJoined).hasSize(3).allSatisfy(d -> assertThat(d).isPositive());
    }

    @Test
    void startBarrierThatNeverFillsFailsWithinItsBoundNamingTheMissingInjector() throws Exception {
        Duration bound = Duration.ofSeconds(2);
        RunSpec spec = RunSpec.of("run-missing", "CrashOne", 7, 3).withBarrierTimeout(bound);
        new Coordinator(fleet.client()).publish(spec);
        List<Future<Throwable>> waits = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // injector-2 never starts
            int index = i;
            CuratorFramework client = fleet.client();
            waits.add(fleet.threads.submit(() -> {
                try (InjectorRun run = InjectorRun.join(new Coordinator(client), spec, index)) {
                    run.awaitStart();
                    return null;
                } catch (BarrierTimeoutException e) {
                    return e;
                }
            }));
        }
        for (Future<Throwable> wait : waits) {
            Throwable thrown = wait.get(bound.toSeconds() + 10, TimeUnit.SECONDS);
            assertThat(thrown).isInstanceOf(BarrierTimeoutException.class)
                    .hasMessageContaining("run run-missing").hasMessageContaining("start barrier")
                    .hasMessageContaining("missing: injector-2");
            BarrierTimeoutException timeout = (BarrierTimeoutException) thrown;
            assertThat(timeout.missing()).containsExactly("injector-2");
            assertThat(timeout.barrier()).isEqualTo("start");
            assertThat(timeout.waited()).isGreaterThanOrEqualTo(bound.minusMillis(50))
                    .isLessThan(bound.plusSeconds(5));
        }
    }

    @Test
    void endBarrierFailsWithinItsBoundNamingTheLiveInjectorThatNeverFinished() throws Exception {
        Duration bound = Duration.ofSeconds(2);
        RunSpec spec = RunSpec.of("run-slow-end", "CrashOne", 7, 2).withBarrierTimeout(bound);
        new Coordinator(fleet.client()).publish(spec);
        try (InjectorRun slow = InjectorRun.join(new Coordinator(fleet.client()), spec, 1);
                InjectorRun done = InjectorRun.join(new Coordinator(fleet.client()), spec, 0)) {
            Future<Long> slowStart = fleet.threads.submit(slow::awaitStart);
            done.awaitStart();
            slowStart.get(20, TimeUnit.SECONDS);
            Future<RunOutcome> end = fleet.threads.submit(done::finish);
            assertThatThrownBy(() -> end.get(bound.toSeconds() + 10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(BarrierTimeoutException.class)
                    .hasMessageContaining("end barrier").hasMessageContaining("missing: injector-1");
            assertThat(done.lost()).as("alive, only slow: not lost").isEmpty();
        }
    }

    @Test
    void deadInjectorIsNamedAndFailsTheRunByDefault() throws Exception {
        RunSpec spec = RunSpec.of("run-dies", "CrashOne", 7, 3).withBarrierTimeout(Duration.ofSeconds(20));
        assertThatThrownBy(() -> runWhereInjector2Dies(spec))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(InjectorLostException.class)
                .hasMessageContaining("run run-dies failed").hasMessageContaining("injector-2");
    }

    @Test
    void deadInjectorIsNamedAndTheRunEndsPartialWhenAsked() throws Exception {
        RunSpec spec = RunSpec.of("run-partial", "CrashOne", 7, 3).withBarrierTimeout(Duration.ofSeconds(20))
                .withOnLost(LostInjectorPolicy.PARTIAL);
        List<RunOutcome> outcomes = runWhereInjector2Dies(spec);
        assertThat(outcomes).hasSize(2).allSatisfy(o -> {
            assertThat(o.partial()).isTrue();
            assertThat(o.lost()).containsExactly("injector-2");
        });
    }

    /** Three injectors start; injector-2's session ends mid-run; the other two see it lost, then finish. */
    private List<RunOutcome> runWhereInjector2Dies(RunSpec spec) throws Exception {
        new Coordinator(fleet.client()).publish(spec);
        List<String> seenLost = new CopyOnWriteArrayList<>();
        List<InjectorRun> survivors = new ArrayList<>();
        List<Future<Long>> starts = new ArrayList<>();
        CuratorFramework doomedClient = fleet.client();
        InjectorRun doomed = InjectorRun.join(new Coordinator(doomedClient), spec, 2);
        for (int i = 0; i < 2; i++) {
            InjectorRun run = InjectorRun.join(new Coordinator(fleet.client()), spec, i);
            run.onLost(seenLost::add);
            survivors.add(run);
            starts.add(fleet.threads.submit(run::awaitStart));
        }
        doomed.awaitStart();
        for (Future<Long> start : starts) {
            start.get(20, TimeUnit.SECONDS);
        }
        doomedClient.close(); // its JVM dies: the session ends, its ephemeral nodes go
        doomed.close();
        await().atMost(Duration.ofSeconds(15)).until(() -> seenLost.size() == 2);
        assertThat(seenLost).containsOnly("injector-2");
        assertThat(survivors).allSatisfy(r -> assertThat(r.lost()).containsExactly("injector-2"));
        List<Future<RunOutcome>> ends = new ArrayList<>();
        for (InjectorRun run : survivors) {
            ends.add(fleet.threads.submit(() -> {
                try (run) {
                    return run.finish();
                }
            }));
        }
        List<RunOutcome> outcomes = new ArrayList<>();
        for (Future<RunOutcome> end : ends) {
            outcomes.add(end.get(30, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    @Test
    void specIsPublishedOnceAndAnotherSpecUnderTheSameIdIsRefused() throws Exception {
        Coordinator coordinator = new Coordinator(fleet.client());
        RunSpec spec = RunSpec.of("run-once", "CrashOne", 7, 2).withOptions(Map.of("rate", "100"));
        coordinator.publish(spec);
        coordinator.publish(spec); // a restarted launcher: the same spec again is fine
        assertThat(new Coordinator(fleet.client()).awaitSpec("run-once", Duration.ofSeconds(5))).isEqualTo(spec);
        assertThatThrownBy(() -> coordinator.publish(spec.withOptions(Map.of("rate", "200"))))
                .isInstanceOf(InjectorRunException.class).hasMessageContaining("already published with another");
        assertThatThrownBy(() -> coordinator.awaitSpec("run-never", Duration.ofMillis(300)))
                .isInstanceOf(InjectorRunException.class).hasMessageContaining("no spec");
    }

    @Test
    void secondInjectorWithTheSameIndexIsRefused() throws Exception {
        RunSpec spec = RunSpec.of("run-dup", "CrashOne", 7, 2);
        try (InjectorRun first = InjectorRun.join(new Coordinator(fleet.client()), spec, 0)) {
            assertThatThrownBy(() -> InjectorRun.join(new Coordinator(fleet.client()), spec, 0))
                    .isInstanceOf(InjectorRunException.class).hasMessageContaining("injector-0 has already joined");
            assertThat(first.id()).isEqualTo("injector-0");
        }
    }
}
