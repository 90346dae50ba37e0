package dev.rpcharness.loadtest.run;

import dev.rpcharness.injectors.ClockOffset;
import dev.rpcharness.injectors.Coordinator;
import dev.rpcharness.injectors.InjectorRun;
import dev.rpcharness.injectors.LoadSplit;
import dev.rpcharness.injectors.LostInjectorPolicy;
import dev.rpcharness.injectors.RunOutcome;
import dev.rpcharness.injectors.RunSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * An {@link Injector}'s part in a coordinated run of several ({@code --run}), built on the injectors module: it
 * publishes the run (every injector of the run publishes the same spec; a different one is refused), joins as
 * {@code injector-<index>}, takes its exact stripe of the rate, starts and ends with the others at the run's
 * barriers, and writes its clock offset to {@code injector-0} in its run folder.
 *
 * <p>Used by the injector's one thread. Lifecycle: {@link #join} opens its own ZooKeeper session; {@link #close()}
 * leaves the run and closes the session.
 */
final class RunMembership implements AutoCloseable {

    private final CuratorFramework client;
    private final RunSpec spec;
    private final InjectorRun run;
    private final ClockOffset clock;
    private ClockOffset.Measurement measured;

    private RunMembership(CuratorFramework client, RunSpec spec, InjectorRun run) {
        this.client = client;
        this.spec = spec;
        this.run = run;
        this.clock = new ClockOffset(run, Clock.systemUTC());
    }

    static RunMembership join(String zooKeeper, String runId, int index, int injectors, double rate,
            Duration duration) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(zooKeeper, new ExponentialBackoffRetry(200, 5));
        client.start();
        try {
            if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("run " + runId + ": no ZooKeeper at " + zooKeeper + " within 30 s");
            }
            RunSpec spec = new RunSpec(runId, "injector echo", 0, injectors, Duration.ofSeconds(120),
                    LostInjectorPolicy.FAIL, Map.of("rate", String.format(Locale.ROOT, "%s", rate),
                            "seconds", String.valueOf(duration.toSeconds())));
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

    /** Waits for every injector at the start barrier and measures this injector's clock; returns the start. */
    long awaitStart() throws InterruptedException {
        long start = run.awaitStart();
        measured = clock.measureAndPublish(5);
        return start;
    }

    /**
     * Writes the clock offset to {@code injector-0} into the run folder, then waits for the others at the end.
     *
     * @throws dev.rpcharness.injectors.InjectorLostException naming injectors that died before they finished
     */
    RunOutcome finish(Path out) throws InterruptedException, IOException {
        ClockOffset.write(clock.offsetTo(measured, spec.injectorId(0), Duration.ofSeconds(30)), out);
        return run.finish();
    }

    @Override
    public void close() {
        run.close();
        client.close();
    }
}
