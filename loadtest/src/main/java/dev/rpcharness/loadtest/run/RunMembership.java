package dev.rpcharness.loadtest.run;

import dev.rpcharness.injectors.Abort;
import dev.rpcharness.injectors.ClockOffset;
import dev.rpcharness.injectors.Coordinator;
import dev.rpcharness.injectors.InjectorRun;
import dev.rpcharness.injectors.LoadSplit;
import dev.rpcharness.injectors.LostInjectorPolicy;
import dev.rpcharness.injectors.Progress;
import dev.rpcharness.injectors.ProgressBoard;
import dev.rpcharness.injectors.RunAbort;
import dev.rpcharness.injectors.RunOutcome;
import dev.rpcharness.injectors.RunSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Recorder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * An {@link Injector}'s part in a coordinated run of several ({@code --run}), built on the injectors module: it
 * publishes the run (every injector of the run publishes the same spec; a different one is refused), joins as
 * {@code injector-<index>}, takes its exact stripe of the rate, starts and ends with the others at the run's
 * barriers, writes its clock offset to {@code injector-0} in its run folder, and publishes its progress every 5 s
 * from the start barrier on (a {@link ProgressBoard}: the live injector with the lowest index logs the run's
 * combined line). With {@code --abort-if-error-percent} the run's spec opts in to aborting the run on an injector's
 * SLO breach ({@link RunAbort}): this injector watches for an abort by any injector and can abort the run itself.
 *
 * <p>Used by the injector's one thread, except {@link #ended}, called by the calls' callback threads. Lifecycle:
 * {@link #join} opens its own ZooKeeper session; {@link #close()} stops the progress and the abort watch, leaves the
 * run and closes the session. {@link #aborted()} may be read by any thread.
 */
final class RunMembership implements AutoCloseable {

    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private final CuratorFramework client;
    private final RunSpec spec;
    private final InjectorRun run;
    private final RunAbort abort;
    private final ClockOffset clock;
    /** Latencies of the calls that ended since the last progress sample, µs (up to an hour). */
    private final Recorder lastInterval = new Recorder(1, MAX_MICROS, 3);
    private ClockOffset.Measurement measured;
    private ProgressBoard progress;

    private RunMembership(CuratorFramework client, RunSpec spec, InjectorRun run) {
        this.client = client;
        this.spec = spec;
        this.run = run;
        this.abort = RunAbort.start(run);
        this.clock = new ClockOffset(run, Clock.systemUTC());
    }

    /** @param abortIfErrorPercent NaN: no SLO abort; otherwise the spec opts in and records the threshold */
    static RunMembership join(String zooKeeper, String runId, int index, int injectors, double rate,
            Duration duration, double abortIfErrorPercent) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(zooKeeper, new ExponentialBackoffRetry(200, 5));
        client.start();
        try {
            if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("run " + runId + ": no ZooKeeper at " + zooKeeper + " within 30 s");
            }
            Map<String, String> options = new TreeMap<>(Map.of("rate", String.format(Locale.ROOT, "%s", rate),
                    "seconds", String.valueOf(duration.toSeconds())));
            boolean abortOnBreach = !Double.isNaN(abortIfErrorPercent);
            if (abortOnBreach) { // every injector of the run must be given the same threshold
                options.put("abortIfErrorPercent", String.format(Locale.ROOT, "%s", abortIfErrorPercent));
            }
            RunSpec spec = new RunSpec(runId, "injector echo", 0, injectors, Duration.ofSeconds(120),
                    LostInjectorPolicy.FAIL, options, abortOnBreach);
            Coordinator coordinator = new Coordinator(client);
            coordinator.publish(spec);
            return new RunMembership(client, spec, InjectorRun.join(coordinator, spec, index));
        } catch (InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** This injector's name in the run. */
    String id() {
        return run.id();
    }

    /** This injector's stripe of the run's open-model rate. */
    LoadSplit.OpenShare share(double rate, Duration duration) {
        return spec.split().open(rate, duration, run.index());
    }

    /**
     * Waits for every injector at the start barrier, measures this injector's clock and starts publishing its
     * progress; returns the start.
     *
     * @param calls the calls ended so far
     * @param errors the calls failed so far
     */
    long awaitStart(LongSupplier calls, LongSupplier errors) throws InterruptedException {
        long start = run.awaitStart();
        measured = clock.measureAndPublish(5);
        progress = ProgressBoard.start(run, () -> {
            long ended = calls.getAsLong();
            // a failure is counted a moment before its call is recorded as ended
            long failed = Math.min(errors.getAsLong(), ended);
            return Progress.now(run.id(), ended, failed, lastInterval.getIntervalHistogram().getValueAtPercentile(99));
        });
        return start;
    }

    /** The run's abort, once this injector has seen one (within {@link RunAbort#POLL} or so). */
    Optional<Abort> aborted() {
        return abort.aborted();
    }

    /** Aborts the run for every injector with this reason; the first abort of the run stands. */
    void abort(String reason) {
        abort.abort(reason);
    }

    /** Records one ended call's latency for the progress's p99; any thread, wait-free. */
    void ended(long latencyNanos) {
        lastInterval.recordValue(Math.min(MAX_MICROS, Math.max(0, latencyNanos / 1_000)));
    }

    /**
     * Writes the clock offset to {@code injector-0} into the run folder, then waits for the others at the end.
     *
     * @throws dev.rpcharness.injectors.InjectorLostException naming injectors that died before they finished
     * @throws dev.rpcharness.injectors.RunAbortedException naming the injector that aborted the run, and why
     */
    RunOutcome finish(Path out) throws InterruptedException, IOException {
        ClockOffset.write(clock.offsetTo(measured, spec.injectorId(0), Duration.ofSeconds(30)), out);
        return run.finish();
    }

    @Override
    public void close() {
        if (progress != null) {
            progress.close();
        }
        abort.close();
        run.close();
        client.close();
    }
}
