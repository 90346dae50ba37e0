package dev.rpcharness.loadtest.spread;

import dev.rpcharness.injectors.ChaosRelay;
import dev.rpcharness.injectors.ClockOffset;
import dev.rpcharness.injectors.Coordinator;
import dev.rpcharness.injectors.InjectorRun;
import dev.rpcharness.injectors.InjectorRunException;
import dev.rpcharness.injectors.RunSpec;
import dev.rpcharness.injectors.StepClaim;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guest injector of a spread run: it calls the host's fleet from its own JVM, sends its share of the arrivals,
 * may conduct the chaos steps (the host runs them), takes the checks' verdicts from the host, and at the end writes its clock
 * offset to the host ({@code injector-0}) into its run folder and passes the end barrier.
 *
 * <p>Lifecycle: {@link #join} opens its ZooKeeper session and joins the run; {@link #close()} leaves the election
 * and the run and closes the session. Threading: see {@link InjectorRole}.
 */
public final class RunGuest implements InjectorRole {

    private static final Logger log = LoggerFactory.getLogger(RunGuest.class);
    private static final Duration STEP_WAIT = Duration.ofSeconds(60);

    private final RunMember member;
    private final RunSpec spec;
    private final InjectorRun run;
    private volatile String failure;

    private RunGuest(RunMember member) {
        this.member = member;
        this.spec = member.spec();
        this.run = member.run();
    }

    /**
     * Joins run {@code settings.runId()} as injector {@code settings.index()}, waiting up to the barrier timeout
     * for the host to publish it.
     *
     * @throws InjectorRunException when the run is not published in time, or this index already joined
     */
    public static RunGuest join(SpreadProperties settings) throws InterruptedException {
        CuratorFramework client = CoordinatorSession.open(settings.coordinator(), settings.runId());
        try {
            RunSpec spec = new Coordinator(client).awaitSpec(settings.runId(), settings.barrierTimeout());
            if (spec.injectors() != settings.injectors()) {
                throw new IllegalArgumentException("run " + spec.runId() + " has " + spec.injectors()
                        + " injectors, this JVM was told " + settings.injectors());
            }
            return new RunGuest(new RunMember(client, spec,
                    InjectorRun.join(new Coordinator(client), spec, settings.index())));
        } catch (InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public boolean sendsArrival(long arrival) {
        return arrival % spec.injectors() == run.index() && !member.stopped();
    }

    @Override
    public void chaosStep(String name, Runnable onFleet) throws InterruptedException {
        StepClaim settled = relay().conduct(name);
        if (StepClaim.FAILED.equals(settled.state())) {
            throw new IllegalStateException("chaos step '" + name + "' (claimed by " + settled.injector()
                    + ") failed on the host");
        }
    }

    @Override
    public String check(String name, Supplier<String> evaluate) throws InterruptedException {
        return relay().awaitCheck(name).orElse(null);
    }

    @Override
    public void awaitStart(Supplier<LiveFigures> live) throws InterruptedException {
        member.awaitStart(live, r -> ChaosRelay.candidate(r, STEP_WAIT));
    }

    @Override
    public void awaitOthers() {
    }

    @Override
    public void leave(Path runDir) throws InterruptedException {
        member.leaveElection(); // no more steps from here: another injector conducts what is left
        try {
            if (member.measured() != null) {
                ClockOffset.write(member.clock().offsetTo(member.measured(), spec.injectorId(0),
                        Duration.ofSeconds(30)), runDir);
            }
        } catch (IOException | InjectorRunException e) {
            log.warn("run {}: {} could not record its clock offset: {}", spec.runId(), run.id(), e.toString());
        }
        try {
            run.finish();
        } catch (InjectorRunException e) {
            failure = e.getMessage();
            log.error("run {}: {}", spec.runId(), e.getMessage());
        }
    }

    @Override
    public List<Path> historyFiles() {
        return List.of();
    }

    @Override
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    private ChaosRelay relay() {
        return member.relay();
    }

    @Override
    public void close() {
        member.close();
    }

    @Override
    public String toString() {
        return run.id() + " of run " + spec.runId();
    }
}
