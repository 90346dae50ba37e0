package dev.rpcharness.loadtest.spread;

import dev.rpcharness.injectors.ChaosRelay;
import dev.rpcharness.injectors.ClockOffset;
import dev.rpcharness.injectors.InjectorRun;
import dev.rpcharness.injectors.Progress;
import dev.rpcharness.injectors.ProgressBoard;
import dev.rpcharness.injectors.RunSpec;
import dev.rpcharness.loadtest.spread.InjectorRole.LiveFigures;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * What every injector of a spread run holds, host or guest: its ZooKeeper session, its place in the run and, past
 * the start barrier, its clock measurement, its published progress and its chaos relay.
 *
 * <p>Lifecycle: made once the injector joined; {@link #awaitStart} once; {@link #close()} stops the progress,
 * leaves the election and the run and closes the session. Threading: {@link #relay()} from any thread; the rest
 * from the thread that drives the injector.
 */
final class RunMember implements AutoCloseable {

    private final CuratorFramework client;
    private final RunSpec spec;
    private final InjectorRun run;
    private final ClockOffset clock;
    private volatile ChaosRelay relay;
    private volatile ProgressBoard progress;
    private ClockOffset.Measurement measured;

    RunMember(CuratorFramework client, RunSpec spec, InjectorRun run) {
        this.client = client;
        this.spec = spec;
        this.run = run;
        this.clock = new ClockOffset(run, Clock.systemUTC());
    }

    RunSpec spec() {
        return spec;
    }

    InjectorRun run() {
        return run;
    }

    ClockOffset clock() {
        return clock;
    }

    /** This injector's clock against ZooKeeper's, once started; null before. */
    ClockOffset.Measurement measured() {
        return measured;
    }

    /**
     * Waits at the start barrier, then publishes this injector's progress every 5 s, measures and publishes its
     * clock, and makes its chaos relay.
     */
    void awaitStart(Supplier<LiveFigures> live, Function<InjectorRun, ChaosRelay> relayOf)
            throws InterruptedException {
        run.awaitStart();
        progress = ProgressBoard.start(run, () -> {
            LiveFigures f = live.get();
            // a failure is counted a moment before its call is recorded as ended
            return Progress.now(run.id(), f.calls(), Math.min(f.errors(), f.calls()), f.p99Micros());
        });
        measured = clock.measureAndPublish(5);
        relay = relayOf.apply(run);
    }

    /**
     * The chaos relay.
     *
     * @throws IllegalStateException before the start barrier
     */
    ChaosRelay relay() {
        ChaosRelay r = relay;
        if (r == null) {
            throw new IllegalStateException("run " + spec.runId() + ": " + run.id() + " has not started");
        }
        return r;
    }

    /** The chaos relay, once past the start barrier. */
    Optional<ChaosRelay> startedRelay() {
        return Optional.ofNullable(relay);
    }

    /** Leaves the conductor election (no more steps from this injector); idempotent. */
    void leaveElection() {
        ChaosRelay r = relay;
        if (r != null) {
            r.close();
        }
    }

    @Override
    public void close() {
        ProgressBoard p = progress;
        if (p != null) {
            p.close();
        }
        leaveElection();
        run.close();
        client.close();
    }
}
