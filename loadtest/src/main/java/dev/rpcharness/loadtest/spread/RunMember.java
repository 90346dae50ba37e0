package dev.rpcharness.loadtest.spread;

import dev.rpcharness.injectors.ChaosRelay;
import dev.rpcharness.injectors.ClockOffset;
import dev.rpcharness.injectors.InjectorRun;
import dev.rpcharness.injectors.Progress;
import dev.rpcharness.injectors.ProgressBoard;
import dev.rpcharness.injectors.RunAbort;
import dev.rpcharness.injectors.RunSpec;
import dev.rpcharness.loadtest.spread.InjectorRole.LiveFigures;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every injector of a spread run holds, host or guest: its ZooKeeper session, its place in the run and, past
 * the start barrier, its clock measurement, its published progress and its chaos relay.
 *
 * <p>When the run's spec opts in ({@link RunSpec#abortOnBreach()}, with the option {@value #ABORT_OPTION}), it also
 * watches for the run's abort ({@link RunAbort}) and checks this injector's share of failed calls every second:
 * past the threshold it aborts the run; once any injector aborted it, {@link #stopped()} is true and this injector
 * sends no more calls.
 *
 * <p>Lifecycle: made once the injector joined; {@link #awaitStart} once; {@link #close()} stops the progress and
 * the abort's checks, leaves the election and the run and closes the session. Threading: {@link #relay()} from any thread; the rest
 * from the thread that drives the injector.
 */
final class RunMember implements AutoCloseable {

    /** The run spec's option naming the share of failed calls, in percent, over which an injector aborts the run. */
    static final String ABORT_OPTION = "abortIfErrorPercent";
    /** No verdict on an injector's share of failed calls before this many ended calls. */
    static final long MIN_CALLS = 100;

    private static final Logger log = LoggerFactory.getLogger(RunMember.class);

    private final CuratorFramework client;
    private final RunSpec spec;
    private final InjectorRun run;
    private final ClockOffset clock;
    private volatile ChaosRelay relay;
    private volatile ProgressBoard progress;
    private ClockOffset.Measurement measured;
    private RunAbort abort;
    private ScheduledExecutorService guard;
    private volatile boolean stopped;

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
        if (spec.abortOnBreach()) {
            guard(live, Double.parseDouble(spec.options().getOrDefault(ABORT_OPTION, "100")));
        }
    }

    /** Aborts the run when this injector's failed calls pass {@code maxErrorPercent}; stops on any abort. */
    private void guard(Supplier<LiveFigures> live, double maxErrorPercent) {
        abort = RunAbort.start(run);
        abort.onAbort(a -> {
            stopped = true;
            log.warn("run {}: {} stops sending: the run was aborted by {}: {}", spec.runId(), run.id(),
                    a.injector(), a.reason());
        });
        guard = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "abort-guard-" + run.id());
            t.setDaemon(true);
            return t;
        });
        guard.scheduleWithFixedDelay(() -> {
            LiveFigures f = live.get();
            long errors = Math.min(f.errors(), f.calls());
            if (!stopped && f.calls() >= MIN_CALLS && errors * 100.0 / f.calls() > maxErrorPercent) {
                try {
                    abort.abort(String.format(Locale.ROOT, "%s: %.1f%% of %d calls failed, over "
                            + "rpc.injectors.abortIfErrorPercent %s", run.id(), errors * 100.0 / f.calls(),
                            f.calls(), maxErrorPercent));
                } catch (RuntimeException e) {
                    log.warn("run {}: {} could not abort the run", spec.runId(), run.id(), e);
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Whether the run was aborted (seen within about 200 ms): this injector sends no more calls. */
    boolean stopped() {
        return stopped;
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
        if (guard != null) {
            guard.shutdownNow();
        }
        if (abort != null) {
            abort.close();
        }
        leaveElection();
        run.close();
        client.close();
    }
}
