package dev.rpcharness.loadtest.spread;

import dev.rpcharness.cluster.EmbeddedZooKeeper;
import dev.rpcharness.injectors.ChaosRelay;
import dev.rpcharness.injectors.Coordinator;
import dev.rpcharness.injectors.InjectorLauncher;
import dev.rpcharness.injectors.InjectorRun;
import dev.rpcharness.injectors.InjectorRunException;
import dev.rpcharness.injectors.RunOutcome;
import dev.rpcharness.injectors.RunSpec;
import dev.rpcharness.injectors.StepClaim;
import dev.rpcharness.run.RunFolder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host of a spread run, injector 0: the JVM that holds the fleet. It starts the run's coordinator (an embedded
 * ZooKeeper of its own, so a chaos step that stops the fleet's ZooKeeper does not stop the run; or the one
 * {@code rpc.coordinator} names), publishes the run, launches the guest injectors as Gatling JVMs of the same
 * simulation ({@link InjectorLauncher}), sends its own share of the arrivals, runs every chaos step once a conductor
 * claimed it, evaluates the checks and publishes their verdicts, and at the end waits for every guest to finish and
 * exit, then gathers their run folders into its own ({@code injectors/injector-<i>}, with each guest's log) and
 * writes how the run ended ({@link RunFolder#INJECTORS_OUTCOME}).
 *
 * <p>Lifecycle: {@link #start} publishes, joins and launches; {@link #close()} kills guests still running, leaves
 * the run, closes the session and the coordinator. Threading: see {@link InjectorRole}.
 */
public final class RunHost implements InjectorRole {

    private static final Logger log = LoggerFactory.getLogger(RunHost.class);
    private static final Duration CLAIM_WAIT = Duration.ofSeconds(30);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(90);
    /** The folder, in the host's run folder, of the guests' run folders and logs. */
    public static final String INJECTORS_FOLDER = "injectors";

    private final EmbeddedZooKeeper ownCoordinator;
    private final RunMember member;
    private final RunSpec spec;
    private final InjectorRun run;
    private final GuestFolders guests;
    private final BiConsumer<String, String> claimed;
    private InjectorLauncher launcher;
    private volatile String failure;
    private volatile String partial;
    private final List<String> exits = new ArrayList<>();

    private RunHost(EmbeddedZooKeeper ownCoordinator, CuratorFramework client, RunSpec spec, InjectorRun run,
            GuestFolders guests, BiConsumer<String, String> claimed) {
        this.ownCoordinator = ownCoordinator;
        this.member = new RunMember(client, spec, run);
        this.spec = spec;
        this.run = run;
        this.guests = guests;
        this.claimed = claimed;
    }

    /**
     * What the guests need to know about the host's fleet and run.
     *
     * @param simulation the Gatling simulation class every injector runs
     * @param runId the run's id
     * @param seed the run's seed
     * @param fleetZooKeeper the fleet's registry
     * @param basePath the registry's base path
     * @param resultsDir the host's results folder: guests write into a hidden folder in it
     * @param callHistory whether guests record their call histories for the host's check
     * @param forwarded system properties passed on to every guest ({@code rpc.*} settings of the scenario)
     */
    public record Fleet(String simulation, String runId, long seed, String fleetZooKeeper, String basePath,
            Path resultsDir, boolean callHistory, Map<String, String> forwarded) {
    }

    /**
     * Publishes the run, joins it as injector 0 and launches injectors 1 to N-1 (unless
     * {@code rpc.injectors.launch=false}: they join from elsewhere).
     *
     * @param claimed records a claim on the fleet's timeline: (step, "by injector-i")
     * @throws InjectorRunException when the run cannot be published or joined
     * @throws IOException when a guest JVM cannot be started
     */
    public static RunHost start(SpreadProperties settings, Fleet fleet, BiConsumer<String, String> claimed)
            throws InterruptedException, IOException {
        EmbeddedZooKeeper own = settings.coordinator() == null ? EmbeddedZooKeeper.start() : null;
        String coordinator = own != null ? own.connectString() : settings.coordinator();
        CuratorFramework client = null;
        RunHost host = null;
        try {
            client = CoordinatorSession.open(coordinator, fleet.runId());
            Map<String, String> options = new TreeMap<>(Map.of("fleet.zookeeper", fleet.fleetZooKeeper(),
                    "fleet.basePath", fleet.basePath()));
            boolean abortOnBreach = !Double.isNaN(settings.abortIfErrorPercent());
            if (abortOnBreach) {
                options.put(RunMember.ABORT_OPTION, String.valueOf(settings.abortIfErrorPercent()));
            }
            RunSpec spec = new RunSpec(fleet.runId(), fleet.simulation(), fleet.seed(), settings.injectors(),
                    settings.barrierTimeout(), settings.onLost(), options, abortOnBreach);
            Coordinator coordination = new Coordinator(client);
            coordination.publish(spec);
            InjectorRun run = InjectorRun.join(coordination, spec, 0);
            GuestFolders guests = new GuestFolders(fleet.resultsDir().resolve(".injectors-" + fleet.runId()));
            host = new RunHost(own, client, spec, run, guests, claimed);
            log.info("run {}: {} injectors of {}, coordinated through ZooKeeper {}", spec.runId(), spec.injectors(),
                    fleet.simulation(), coordinator);
            if (settings.launch()) {
                host.launcher = InjectorLauncher.start(spec, coordinator, 1, "io.gatling.app.Gatling",
                        i -> guestJvmOptions(fleet, guests, spec.injectorId(i)), i -> List.of("--simulation",
                                fleet.simulation(), "--results-folder", guests.results(spec.injectorId(i)).toString()),
                        guests.root());
            }
            return host;
        } catch (InterruptedException | IOException | RuntimeException e) {
            if (host != null) {
                host.close();
            } else {
                if (client != null) {
                    client.close();
                }
                if (own != null) {
                    own.close();
                }
            }
            throw e;
        }
    }

    private static List<String> guestJvmOptions(Fleet fleet, GuestFolders guests, String id) {
        List<String> options = new ArrayList<>();
        // Gatling's stats writer reads String internals; keep the host's module openings and JIT settings too.
        options.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Xmx")
                    || arg.startsWith("-XX:MaxInlineLevel") || arg.startsWith("-XX:MaxTrivialSize")) {
                options.add(arg);
            }
        }
        fleet.forwarded().forEach((k, v) -> options.add("-D" + k + "=" + v));
        options.add("-Drpc.zookeeper=" + fleet.fleetZooKeeper());
        options.add("-Drpc.fleet=external");
        options.add("-Drpc.basePath=" + fleet.basePath());
        options.add("-Drpc.resultsDir=" + guests.results(id));
        if (fleet.callHistory()) {
            options.add("-D" + SpreadProperties.HISTORY_DIR + "=" + guests.history(id));
        }
        options.add("-XX:HeapDumpPath=" + guests.root());
        return options;
    }

    /** The run's id. */
    public String runId() {
        return spec.runId();
    }

    @Override
    public boolean sendsArrival(long arrival) {
        return arrival % spec.injectors() == 0 && !member.stopped();
    }

    @Override
    public void chaosStep(String name, Runnable onFleet) throws InterruptedException {
        ChaosRelay r = member.relay();
        StepClaim claim = r.awaitClaim(name);
        claimed.accept(name, "by " + claim.injector());
        boolean ok = false;
        try {
            onFleet.run();
            ok = true;
        } finally {
            r.settle(claim, ok);
        }
    }

    @Override
    public String check(String name, Supplier<String> evaluate) {
        ChaosRelay r = member.relay();
        String failure;
        try {
            failure = evaluate.get();
        } catch (RuntimeException e) {
            failure = "check threw " + e;
        }
        r.publishCheck(name, failure);
        return failure;
    }

    @Override
    public void awaitStart(Supplier<LiveFigures> live) throws InterruptedException {
        // its clock measurement is the reference the guests' offsets are measured against
        member.awaitStart(live, r -> ChaosRelay.host(r, CLAIM_WAIT));
    }

    @Override
    public void awaitOthers() throws InterruptedException {
        try {
            RunOutcome outcome = run.finish();
            if (outcome.partial()) {
                partial = "lost " + String.join(", ", outcome.lost());
            }
        } catch (InjectorRunException e) {
            failure = e.getMessage();
            log.error("run {}: {}", spec.runId(), e.getMessage());
        }
        if (launcher == null) {
            return;
        }
        try {
            List<Integer> codes = launcher.awaitExit(EXIT_WAIT);
            for (int i = 0; i < codes.size(); i++) {
                int index = i + 1;
                exits.add(spec.injectorId(index) + " exited with " + codes.get(i));
                if (codes.get(i) != 0 && !run.lost().contains(spec.injectorId(index)) && failure == null) {
                    failure = "run " + spec.runId() + ": " + spec.injectorId(index) + " exited with " + codes.get(i)
                            + (codes.get(i) == 2 ? " (its Gatling assertions failed)" : "") + ", see "
                            + INJECTORS_FOLDER + "/" + spec.injectorId(index) + ".log in the host's run folder";
                }
            }
        } catch (InjectorRunException e) {
            if (failure == null) {
                failure = "run " + spec.runId() + ": " + e.getMessage();
            }
        }
        log.info("run {}: {}", spec.runId(), exits);
    }

    /** Moves each guest's run folder and log into {@code runDir}/{@value #INJECTORS_FOLDER}. */
    @Override
    public void leave(Path runDir) {
        Path target = runDir.resolve(INJECTORS_FOLDER);
        try {
            guests.gatherInto(target, guestIds());
            Files.writeString(runDir.resolve(RunFolder.INJECTORS_OUTCOME), (failure != null ? "failed: " + failure
                    : partial != null ? "partial: " + partial : "complete") + "\n" + describeClaims());
        } catch (IOException | RuntimeException e) {
            log.warn("run {}: cannot gather the injectors' folders into {}", spec.runId(), target, e);
        }
    }

    private List<String> guestIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i < spec.injectors(); i++) {
            ids.add(spec.injectorId(i));
        }
        return ids;
    }

    private String describeClaims() {
        StringBuilder s = new StringBuilder();
        member.startedRelay().ifPresent(r -> {
            r.claims().stream().sorted((a, b) -> a.step().equals(b.step()) ? Integer.compare(a.index(), b.index())
                    : a.step().compareTo(b.step())).forEach(c -> s.append(c.step()).append(" #").append(c.index())
                    .append(": ").append(c.state()).append(" by ").append(c.injector()).append('\n'));
        });
        exits.forEach(e -> s.append(e).append('\n'));
        return s.toString();
    }

    /** The guests' call histories, less those of lost guests: their last calls never got their ends written. */
    @Override
    public List<Path> historyFiles() {
        run.lost().forEach(id -> log.warn("run {}: the call history of {} is not checked: it was lost",
                spec.runId(), id));
        try {
            return guests.historyFiles(guestIds(), run.lost());
        } catch (IOException e) {
            log.warn("run {}: cannot list the guests' call histories in {}", spec.runId(), guests.root(), e);
            return List.of();
        }
    }

    @Override
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        if (launcher != null) {
            launcher.close();
        }
        member.close();
        if (ownCoordinator != null) {
            ownCoordinator.close();
        }
    }

    @Override
    public String toString() {
        return "host of run " + spec.runId();
    }
}
