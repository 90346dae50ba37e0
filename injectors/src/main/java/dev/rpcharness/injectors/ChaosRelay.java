package dev.rpcharness.injectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos steps of a scenario spread over several injector JVMs, when one JVM (the <em>host</em>) holds the fleet
 * the steps act on and every injector's scenario reaches the same steps at about the same time (they started
 * together at the run's barrier). Each step is decided once and run once:
 * <ul>
 *   <li>the other injectors (<em>candidates</em>) elect a conductor with a Curator {@link LeaderLatch}; the
 *       conductor claims a step it reaches by creating the persistent node {@code chaos/<step>} in one ZooKeeper
 *       transaction with a check that its own latch node still exists ({@link #conduct});</li>
 *   <li>the host, reaching the same step, waits for that claim, runs the step on the fleet and settles the node
 *       {@code done} or {@code failed} ({@link #awaitClaim}, {@link #settle}); it claims a step itself only when no
 *       candidate is alive any more, or none claimed it within the claim wait;</li>
 *   <li>a candidate that is not the conductor waits until the step is settled, or until it becomes the conductor
 *       and finds the step unclaimed.</li>
 * </ul>
 * So when the conductor dies, the next one goes on with the first step it finds unclaimed and none is repeated: a
 * claimed step is run by the host exactly once, whoever claimed it. A step's node is named after the step and how
 * many steps of that name this injector reached before ({@code <url-encoded name>#<n>}): the same name on every
 * injector, since every injector runs the same scenario; its {@link StepClaim#index()} is that {@code n}.
 *
 * <p>The scenario's checks ({@code verify}) are evaluated by the host, which holds the fleet, and their verdicts
 * relayed to the others the same way ({@link #publishCheck}, {@link #awaitCheck}: node {@code checks/<check>}), so
 * every injector's Gatling run records the same verdict.
 *
 * <p>Threading: {@link #conduct}, {@link #awaitClaim}, {@link #settle} and {@link #awaitCheck} block and are called from the injector's
 * chaos thread, one step at a time; {@link #claims()} from any thread. Lifecycle: made after the run passed its
 * start barrier; {@link #close()} leaves the election. The run and its Curator client belong to the caller.
 */
public final class ChaosRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChaosRelay.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MILLIS = 50;

    private final InjectorRun run;
    private final CuratorFramework client;
    private final RunPaths paths;
    private final LeaderLatch latch;
    private final Duration wait;
    private final Map<String, Integer> reached = new HashMap<>();
    private final Map<String, Integer> checksReached = new HashMap<>();
    private volatile boolean closed;

    private ChaosRelay(InjectorRun run, boolean candidate, Duration wait) {
        this.run = Objects.requireNonNull(run, "run");
        this.client = run.client();
        this.paths = run.paths();
        this.wait = Objects.requireNonNull(wait, "wait");
        this.latch = candidate ? new LeaderLatch(client, paths.conductor(), run.id()) : null;
        try {
            client.create().creatingParentContainersIfNeeded().forPath(paths.chaos());
        } catch (KeeperException.NodeExistsException e) {
            // another injector made it
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id() + " could not make "
                    + paths.chaos(), e);
        }
        if (latch != null) {
            try {
                latch.start();
            } catch (Exception e) {
                throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id()
                        + " could not join the conductor election", e);
            }
        }
    }

    /**
     * The relay of the injector that holds the fleet: it runs every step, claimed by the conductor.
     *
     * @param claimWait how long to wait for a conductor's claim before claiming a step itself
     */
    public static ChaosRelay host(InjectorRun run, Duration claimWait) {
        return new ChaosRelay(run, false, claimWait);
    }

    /**
     * The relay of an injector that may conduct: it joins the election at once.
     *
     * @param stepWait how long to wait for a step to be settled before giving up on it
     */
    public static ChaosRelay candidate(InjectorRun run, Duration stepWait) {
        return new ChaosRelay(run, true, stepWait);
    }

    /** Whether this injector is the conductor now (never, for the host). */
    public boolean isConductor() {
        return latch != null && latch.hasLeadership();
    }

    /**
     * A candidate reaches step {@code name}: it claims the step while it conducts, and returns once the host
     * settled it.
     *
     * @return the step's claim, settled ({@code done} or {@code failed})
     * @throws InjectorRunException when the step is not settled within the step wait, or ZooKeeper fails
     */
    public StepClaim conduct(String name) throws InterruptedException {
        if (latch == null) {
            throw new IllegalStateException("the host runs steps, it does not conduct them: use awaitClaim");
        }
        Node step = next(reached, paths.chaos(), name);
        long deadline = System.nanoTime() + wait.toNanos();
        while (!closed) {
            Optional<StepClaim> claim = read(step.path());
            if (claim.isPresent() && !StepClaim.CLAIMED.equals(claim.get().state())) {
                return claim.get();
            }
            if (claim.isEmpty() && latch.hasLeadership() && claim(step, name, true)) {
                log.info("run {}: {} claimed chaos step '{}'", run.spec().runId(), run.id(), name);
            }
            if (System.nanoTime() > deadline) {
                throw new InjectorRunException("run " + run.spec().runId() + ": chaos step '" + name + "' was not "
                        + "settled within " + wait.toMillis() + " ms of " + run.id() + " reaching it ("
                        + claim.map(c -> "claimed by " + c.injector()).orElse("never claimed") + ")");
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id() + " closed at step '" + name
                + "'");
    }

    /**
     * The host reaches step {@code name}: it waits for the conductor's claim and returns it, the step then to be
     * run by the caller and {@link #settle settled}. Claims the step itself, named as claimed by the host, when no
     * other injector is alive or nobody claimed it within the claim wait.
     */
    public StepClaim awaitClaim(String name) throws InterruptedException {
        Node step = next(reached, paths.chaos(), name);
        long deadline = System.nanoTime() + wait.toNanos();
        while (!closed) {
            Optional<StepClaim> claim = read(step.path());
            if (claim.isPresent()) {
                return claim.get();
            }
            boolean alone = run.lost().size() >= run.spec().injectors() - 1;
            if (alone || System.nanoTime() > deadline) {
                log.warn("run {}: no conductor claimed chaos step '{}' ({}); {} claims it", run.spec().runId(), name,
                        alone ? "no other injector is alive" : "within " + wait.toMillis() + " ms", run.id());
                claim(step, name, false);
                continue; // read back who won
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id() + " closed at step '" + name
                + "'");
    }

    /**
     * Records the end of a step the host ran: {@code done}, or {@code failed} when it threw. Retries through a
     * short ZooKeeper outage (up to 10 s): the step ran, whatever happens to the record.
     */
    public StepClaim settle(StepClaim claim, boolean ok) throws InterruptedException {
        StepClaim settled = new StepClaim(claim.index(), claim.step(), claim.injector(),
                ok ? StepClaim.DONE : StepClaim.FAILED);
        String path = ZKPaths.makePath(paths.chaos(), nodeName(claim.step(), claim.index()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                client.setData().forPath(path, json(settled));
                return settled;
            } catch (KeeperException.ConnectionLossException e) {
                if (closed || System.nanoTime() > deadline) {
                    log.warn("run {}: step '{}' ran but its state stays 'claimed': {}", run.spec().runId(),
                            claim.step(), e.toString());
                    return settled;
                }
                Thread.sleep(200);
            } catch (Exception e) {
                throw new InjectorRunException("run " + run.spec().runId() + ": recording the end of step '"
                        + claim.step() + "' failed", e);
            }
        }
    }

    /**
     * The host evaluated check {@code name} (the next of that name it reached): publishes its verdict for the
     * others ({@link #awaitCheck}) in the persistent node {@code checks/<check>}.
     *
     * @param failure why the check failed, or null when it held
     */
    public void publishCheck(String name, String failure) {
        String path = next(checksReached, paths.checks(), name).path();
        try {
            client.create().creatingParentContainersIfNeeded().forPath(path, JSON.writeValueAsBytes(
                    failure == null ? Map.of("ok", true) : Map.of("ok", false, "failure", failure)));
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": publishing check '" + name + "' failed",
                    e);
        }
    }

    /**
     * Another injector reaches check {@code name}: waits for the host's verdict.
     *
     * @return why the check failed, or empty when it held
     * @throws InjectorRunException when no verdict comes within the wait
     */
    public Optional<String> awaitCheck(String name) throws InterruptedException {
        String path = next(checksReached, paths.checks(), name).path();
        long deadline = System.nanoTime() + wait.toNanos();
        while (!closed) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> f = JSON.readValue(client.getData().forPath(path), Map.class);
                return Boolean.TRUE.equals(f.get("ok")) ? Optional.empty()
                        : Optional.of(String.valueOf(f.get("failure")));
            } catch (KeeperException.NoNodeException e) {
                // not evaluated yet
            } catch (Exception e) {
                throw new InjectorRunException("run " + run.spec().runId() + ": reading " + path + " failed", e);
            }
            if (System.nanoTime() > deadline) {
                throw new InjectorRunException("run " + run.spec().runId() + ": no verdict of check '" + name
                        + "' within " + wait.toMillis() + " ms of " + run.id() + " reaching it");
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id() + " closed at check '" + name
                + "'");
    }

    /** Every step claimed so far in this run, read from ZooKeeper, in no particular order. */
    public List<StepClaim> claims() {
        return claimsAt(client, paths.chaos(), run.spec().runId());
    }

    /**
     * The claims of run {@code runId}'s chaos steps, read by any ZooKeeper client of its coordinator (under
     * {@link Coordinator#DEFAULT_BASE_PATH}); empty before the first.
     */
    public static List<StepClaim> claimsOf(CuratorFramework client, String runId) {
        return claimsAt(client, RunPaths.of(Coordinator.DEFAULT_BASE_PATH, runId).chaos(), runId);
    }

    private static List<StepClaim> claimsAt(CuratorFramework client, String chaos, String runId) {
        List<StepClaim> claims = new ArrayList<>();
        try {
            if (client.checkExists().forPath(chaos) == null) {
                return claims;
            }
            for (String child : client.getChildren().forPath(chaos)) {
                read(client, ZKPaths.makePath(chaos, child), runId).ifPresent(claims::add);
            }
        } catch (KeeperException.NoNodeException e) {
            // the run's nodes went meanwhile
        } catch (InjectorRunException e) {
            throw e;
        } catch (Exception e) {
            throw new InjectorRunException("run " + runId + ": reading " + chaos + " failed", e);
        }
        return claims;
    }

    /** A step's or check's node: its name's occurrence among those this injector reached, and its path. */
    private record Node(int occurrence, String path) {
    }

    /** The node, under {@code parent}, of the next step or check named {@code name} this injector reaches. */
    private synchronized Node next(Map<String, Integer> counts, String parent, String name) {
        Objects.requireNonNull(name, "name");
        int occurrence = counts.merge(name, 1, Integer::sum) - 1;
        return new Node(occurrence, ZKPaths.makePath(parent, nodeName(name, occurrence)));
    }

    private static String nodeName(String name, int occurrence) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8) + "#" + occurrence;
    }

    /** Creates the step's node; a candidate's claim holds only while its latch node exists. */
    private boolean claim(Node step, String name, boolean asCandidate) {
        String path = step.path();
        try {
            byte[] data = json(new StepClaim(step.occurrence(), name, run.id(), StepClaim.CLAIMED));
            if (asCandidate) {
                String ours = latch.getOurPath();
                if (ours == null) {
                    return false;
                }
                client.transaction().forOperations(client.transactionOp().check().forPath(ours),
                        client.transactionOp().create().forPath(path, data));
            } else {
                client.create().forPath(path, data);
            }
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        } catch (KeeperException.NoNodeException e) {
            log.warn("run {}: {} lost its conductor node before step '{}'", run.spec().runId(), run.id(), name);
            return false;
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id() + " could not claim step '"
                    + name + "'", e);
        }
    }

    private Optional<StepClaim> read(String path) {
        return read(client, path, run.spec().runId());
    }

    /** The claim in node {@code path}, or empty when there is none. */
    private static Optional<StepClaim> read(CuratorFramework client, String path, String runId) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> f = JSON.readValue(client.getData().forPath(path), Map.class);
            return Optional.of(new StepClaim(((Number) f.get("index")).intValue(), (String) f.get("step"),
                    (String) f.get("injector"), (String) f.get("state")));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new InjectorRunException("run " + runId + ": reading " + path + " failed", e);
        }
    }

    private static byte[] json(StepClaim claim) throws IOException {
        return JSON.writeValueAsBytes(Map.of("index", claim.index(), "step", claim.step(),
                "injector", claim.injector(), "state", claim.state()));
    }

    /** Leaves the election (a candidate's latch node goes, so its claims end with it). Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (latch != null && latch.getState() == LeaderLatch.State.STARTED) {
            try {
                latch.close();
            } catch (IOException | RuntimeException e) {
                log.debug("run {}: closing the leader latch of {}", run.spec().runId(), run.id(), e);
            }
        }
    }
}
