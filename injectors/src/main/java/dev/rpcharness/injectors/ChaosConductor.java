package dev.rpcharness.injectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a run's chaos steps on exactly one injector at a time: every injector of the run makes one with the same step
 * list, a Curator {@link LeaderLatch} elects the conductor, and only the conductor runs steps. Before it runs step
 * {@code i}, the conductor claims it by creating the persistent node {@code chaos/<i>} in one ZooKeeper transaction
 * with a check that its own latch node still exists; a step already claimed is never run again. So when the
 * conductor dies, the next leader goes on with the first unclaimed step and none is repeated (a step whose
 * conductor died while running it stays {@code claimed}: at most once, never twice). Each claim is recorded on the
 * injector's timeline as {@link TimelineAction#CHAOS_CLAIMED}, naming the injector.
 *
 * <p>Threading: one daemon thread per conductor waits for leadership and runs the steps, in list order, each at
 * its time after the run's start ({@link InjectorRun#startNanos()}); a step past its time runs at once.
 *
 * <p>Lifecycle: made after the run passed its start barrier; {@link #start()} joins the election; {@link #close()}
 * leaves it and interrupts a running step. The run and its client belong to the caller.
 */
public final class ChaosConductor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChaosConductor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final InjectorRun run;
    private final CuratorFramework client;
    private final RunPaths paths;
    private final List<ChaosStep> steps;
    private final Timeline timeline;
    private final LeaderLatch latch;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param run this injector's run, past its start barrier
     * @param steps the run's chaos steps, the same list on every injector
     * @param timeline this injector's timeline
     */
    public ChaosConductor(InjectorRun run, List<ChaosStep> steps, Timeline timeline) {
        this.run = Objects.requireNonNull(run, "run");
        this.client = run.client();
        this.paths = run.paths();
        this.steps = List.copyOf(steps);
        this.timeline = Objects.requireNonNull(timeline, "timeline");
        this.latch = new LeaderLatch(client, paths.conductor(), run.id());
        this.thread = new Thread(this::conduct, "chaos-conductor-" + run.spec().runId() + "-" + run.id());
        this.thread.setDaemon(true);
    }

    /** Joins the election and starts the conductor's thread. */
    public void start() {
        run.startNanos(); // fails fast when the run has not started
        try {
            client.create().creatingParentsIfNeeded().forPath(paths.chaos());
        } catch (KeeperException.NodeExistsException e) {
            // another injector made it
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id() + " could not make "
                    + paths.chaos(), e);
        }
        try {
            latch.start();
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id()
                    + " could not join the conductor election", e);
        }
        thread.start();
    }

    /** Whether this injector is the conductor now. */
    public boolean isConductor() {
        return latch.hasLeadership();
    }

    /** The current conductor's injector name, or empty when none is elected. */
    public String conductorId() {
        try {
            Participant leader = latch.getLeader();
            return leader.isLeader() ? leader.getId() : "";
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": reading the conductor failed", e);
        }
    }

    /** The claims of the run's steps so far, by index; read from ZooKeeper. */
    public List<StepClaim> claims() {
        List<StepClaim> claims = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            try {
                byte[] data = client.getData().forPath(paths.chaosStep(i));
                @SuppressWarnings("unchecked")
                Map<String, Object> f = JSON.readValue(data, Map.class);
                claims.add(new StepClaim(i, (String) f.get("step"), (String) f.get("injector"),
                        (String) f.get("state")));
            } catch (KeeperException.NoNodeException e) {
                // not claimed yet
            } catch (Exception e) {
                throw new InjectorRunException("run " + run.spec().runId() + ": reading " + paths.chaosStep(i)
                        + " failed", e);
            }
        }
        return claims;
    }

    /** Whether every step is claimed, by this injector or another. */
    public boolean allClaimed() {
        return claims().size() == steps.size();
    }

    private void conduct() {
        int next = 0;
        while (!closed && next < steps.size()) {
            try {
                if (!latch.await(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                log.info("run {}: {} is the chaos conductor from step {}", run.spec().runId(), run.id(), next);
                next = conductFrom(next);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                log.warn("run {}: {} as conductor failed; retrying", run.spec().runId(), run.id(), e);
                sleepQuietly();
            }
        }
    }

    /** Runs steps from {@code first} while this injector leads; returns the first step it did not settle. */
    private int conductFrom(int first) throws Exception {
        int i = first;
        while (i < steps.size() && !closed) {
            if (client.checkExists().forPath(paths.chaosStep(i)) != null) {
                i++;
                continue;
            }
            ChaosStep step = steps.get(i);
            long due = run.startNanos() + step.at().toNanos();
            while (System.nanoTime() < due) {
                if (closed || !latch.hasLeadership()) {
                    return i;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(POLL_NANOS, due - System.nanoTime()));
            }
            if (!claim(i, step)) {
                if (!latch.hasLeadership()) {
                    return i;
                }
                continue; // claimed by another: the loop moves on
            }
            runClaimed(i, step);
            i++;
        }
        return i;
    }

    private boolean claim(int index, ChaosStep step) throws Exception {
        String ours = latch.getOurPath();
        if (ours == null) {
            return false;
        }
        try {
            client.transaction().forOperations(
                    client.transactionOp().check().forPath(ours),
                    client.transactionOp().create()
                            .forPath(paths.chaosStep(index), claimJson(step, StepClaim.CLAIMED)));
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        } catch (KeeperException.NoNodeException e) {
            log.warn("run {}: {} lost its conductor node before step {}", run.spec().runId(), run.id(), index);
            return false;
        }
    }

    private void runClaimed(int index, ChaosStep step) throws Exception {
        timeline.record(TimelineAction.CHAOS_CLAIMED, step.name(), "step " + index + " by " + run.id());
        String state = StepClaim.DONE;
        try {
            step.action().run();
        } catch (RuntimeException e) {
            state = StepClaim.FAILED;
            timeline.record(TimelineAction.CHAOS_FAILED, step.name(), String.valueOf(e));
            log.warn("run {}: chaos step {} ({}) failed on {}", run.spec().runId(), index, step.name(), run.id(), e);
        }
        settle(index, step, state);
    }

    /** Records the step's end state, retrying through a short ZooKeeper outage (up to 10 s): it ran, whatever. */
    private void settle(int index, ChaosStep step, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                client.setData().forPath(paths.chaosStep(index), claimJson(step, state));
                return;
            } catch (KeeperException.ConnectionLossException | KeeperException.SessionMovedException e) {
                if (closed || System.nanoTime() > deadline) {
                    log.warn("run {}: step {} ({}) ran on {} but its state stays 'claimed': {}", run.spec().runId(),
                            index, step.name(), run.id(), e.toString());
                    return;
                }
                Thread.sleep(200);
            }
        }
    }

    private byte[] claimJson(ChaosStep step, String state) throws IOException {
        return JSON.writeValueAsBytes(Map.of("step", step.name(), "injector", run.id(), "state", state));
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves the election, interrupts a running step and waits up to 10 s for the thread to end. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (latch.getState() == LeaderLatch.State.STARTED) {
                latch.close();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("run {}: closing the leader latch of {}", run.spec().runId(), run.id(), e);
        }
    }
}
