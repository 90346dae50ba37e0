package dev.rpcharness.injectors;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One injector's part in a run of several: it joins (an ephemeral {@code members/<id>} node, its liveness), waits at
 * the start barrier until every injector is there, runs its share of the load, and {@link #finish() finishes} at
 * the end barrier. The start barrier waits for every injector's {@code arrived/<id>} node, the end barrier for
 * every injector's {@code finished/<id>} node or the end of its member node (it died), each wait woken by watches
 * and bounded by the spec's barrier timeout; a barrier that does not fill throws a {@link BarrierTimeoutException}
 * naming who is missing. A member node that disappears before its injector wrote
 * {@code finished/<id>} means that injector died: it is logged, told to the {@link #onLost} listeners, and at the
 * end the run fails ({@link LostInjectorPolicy#FAIL}) or ends partial. A run that an injector aborted
 * ({@link RunAbort}) ends at the end barrier as usual, and {@link #finish()} then throws {@link RunAbortedException}.
 *
 * <p>Threading: {@link #awaitStart()} and {@link #finish()} are called by the injector's driving thread, in that
 * order, once each. Lost listeners run on the cache's thread, one event at a time, no lock held. {@link #lost()}
 * may be read by any thread.
 *
 * <p>Lifecycle: {@link #join} starts it; {@link #close()} stops watching and deletes the member node (an injector
 * that closes without finishing is lost to the others). The Curator client belongs to the caller.
 */
public final class InjectorRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InjectorRun.class);
    private static final Duration CACHE_LOAD_TIMEOUT = Duration.ofSeconds(20);

    private final CuratorFramework client;
    private final RunSpec spec;
    private final RunPaths paths;
    private final String id;
    private final int index;
    private final ChildrenWait barrier;
    private final CuratorCache members;
    private final Set<String> lost = new ConcurrentSkipListSet<>();
    private final List<Consumer<String>> lostListeners = new CopyOnWriteArrayList<>();
    private volatile long startNanos;
    private volatile boolean started;
    private volatile boolean closed;

    private InjectorRun(Coordinator coordinator, RunSpec spec, int index) {
        this.client = coordinator.client();
        this.spec = spec;
        this.paths = RunPaths.of(coordinator.basePath(), spec.runId());
        this.index = index;
        this.id = spec.injectorId(index);
        this.barrier = new ChildrenWait(client);
        this.members = CuratorCache.build(client, paths.members());
    }

    /**
     * Joins the run as injector {@code index}: creates its ephemeral member node and starts watching the others.
     *
     * @throws InjectorRunException when an injector with this index is already a member, or ZooKeeper fails
     */
    public static InjectorRun join(Coordinator coordinator, RunSpec spec, int index) {
        Objects.requireNonNull(coordinator, "coordinator");
        Objects.requireNonNull(spec, "spec");
        InjectorRun run = new InjectorRun(coordinator, spec, index);
        run.start();
        return run;
    }

    private void start() {
        try {
            client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(paths.member(id));
        } catch (KeeperException.NodeExistsException e) {
            throw new InjectorRunException("run " + spec.runId() + ": " + id + " has already joined (another process"
                    + " with the same index?)", e);
        } catch (Exception e) {
            throw new InjectorRunException("run " + spec.runId() + ": " + id + " could not join", e);
        }
        CountDownLatch loaded = new CountDownLatch(1);
        members.listenable().addListener(CuratorCacheListener.builder().forDeletes(this::memberGone)
                .forInitialized(loaded::countDown).build());
        members.listenable().addListener((type, before, after) -> barrier.changed());
        members.start();
        // A member the cache never loaded has no deletion to report: wait for the load, and awaitStart() reads the
        // members once more after the barrier for one that died before it.
        try {
            if (!loaded.await(CACHE_LOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new InjectorRunException("run " + spec.runId() + ": " + id + " could not read the members"
                        + " within " + CACHE_LOAD_TIMEOUT.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new InjectorRunException("run " + spec.runId() + ": " + id + " interrupted while joining", e);
        }
        log.info("run {}: {} joined ({} of {})", spec.runId(), id, index + 1, spec.injectors());
    }

    CuratorFramework client() {
        return client;
    }

    RunPaths paths() {
        return paths;
    }

    /** This injector's name, {@code injector-<index>}. */
    public String id() {
        return id;
    }

    /** This injector's index in {@code [0, injectors)}. */
    public int index() {
        return index;
    }

    /** The run's spec. */
    public RunSpec spec() {
        return spec;
    }

    /** The injectors lost so far (died before they finished), sorted. */
    public SortedSet<String> lost() {
        return new TreeSet<>(lost);
    }

    /** Registers a listener told the name of each injector lost, once per injector. */
    public void onLost(Consumer<String> listener) {
        lostListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Waits until every injector of the run is at the start barrier, at most the spec's barrier timeout.
     *
     * @return {@link System#nanoTime()} when this injector passed the barrier: the run's start, for this injector
     * @throws BarrierTimeoutException naming the injectors that did not arrive in time; the run is then over for
     *     this injector: close it and its client (its barrier node lives as long as its session)
     * @throws InjectorRunException when ZooKeeper fails
     */
    public long awaitStart() throws InterruptedException {
        long began = System.nanoTime();
        boolean entered;
        try {
            client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(ZKPaths.makePath(paths.arrived(), id));
            entered = barrier.await(spec.barrierTimeout(), read -> read.children(paths.arrived()).containsAll(all()));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new InjectorRunException("run " + spec.runId() + ": " + id + " failed at the start barrier", e);
        }
        if (!entered) {
            throw new BarrierTimeoutException(spec.runId(), id, "start", absentFrom(paths.arrived()),
                    Duration.ofNanos(System.nanoTime() - began));
        }
        startNanos = System.nanoTime();
        started = true;
        for (String gone : absentFrom(paths.members())) {
            lostUnlessFinished(gone); // every injector joined before it arrived: one absent now died
        }
        log.info("run {}: {} passed the start barrier after {} ms", spec.runId(), id,
                (startNanos - began) / 1_000_000);
        return startNanos;
    }

    /** When this injector passed the start barrier ({@link System#nanoTime()}). */
    public long startNanos() {
        if (!started) {
            throw new IllegalStateException("run " + spec.runId() + ": " + id + " has not passed the start barrier");
        }
        return startNanos;
    }

    /**
     * Marks this injector's load done and waits at the end barrier until every other injector finished or died, at
     * most the spec's barrier timeout.
     *
     * @return the outcome: complete, or partial naming the lost injectors under {@link LostInjectorPolicy#PARTIAL}
     * @throws RunAbortedException when the spec opts in to {@link RunSpec#abortOnBreach()} and an injector aborted
     *     the run ({@link RunAbort}), naming it and its reason; it wins over the two below, attached as suppressed
     * @throws InjectorLostException when injectors were lost and the policy is {@link LostInjectorPolicy#FAIL}
     * @throws BarrierTimeoutException naming the live injectors that did not finish in time
     */
    public RunOutcome finish() throws InterruptedException {
        long began = System.nanoTime();
        boolean left;
        try {
            client.create().creatingParentContainersIfNeeded().forPath(ZKPaths.makePath(paths.finished(), id));
            left = barrier.await(spec.barrierTimeout(), read -> {
                SortedSet<String> waiting = all();
                waiting.removeAll(read.children(paths.finished()));
                waiting.retainAll(read.children(paths.members()));
                return waiting.isEmpty();
            });
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new InjectorRunException("run " + spec.runId() + ": " + id + " failed at the end barrier", e);
        }
        SortedSet<String> unfinished = absentFrom(paths.finished());
        InjectorRunException failed = null;
        SortedSet<String> lostNow = lost();
        if (!left) {
            unfinished.removeAll(absentFrom(paths.members()));
            failed = new BarrierTimeoutException(spec.runId(), id, "end", unfinished,
                    Duration.ofNanos(System.nanoTime() - began));
        } else {
            // Past the end barrier every other injector either finished or its session (and member node) ended.
            unfinished.forEach(this::markLost);
            lostNow = lost();
            if (!lostNow.isEmpty() && spec.onLost() == LostInjectorPolicy.FAIL) {
                failed = new InjectorLostException(spec.runId(), id, lostNow);
            }
        }
        RunAbort.throwIfAborted(this, failed); // one aborts before it finishes: past the barrier, its node is there
        if (failed != null) {
            throw failed;
        }
        if (!lostNow.isEmpty()) {
            log.warn("run {}: ends partial without {}", spec.runId(), lostNow);
        }
        return RunOutcome.of(spec.runId(), id, lostNow);
    }

    /** Every injector of the run, by id. */
    private SortedSet<String> all() {
        SortedSet<String> all = new TreeSet<>();
        for (int i = 0; i < spec.injectors(); i++) {
            all.add(spec.injectorId(i));
        }
        return all;
    }

    /** The run's injectors that have no child under {@code parent}. */
    private SortedSet<String> absentFrom(String parent) {
        SortedSet<String> absent = all();
        try {
            absent.removeAll(client.getChildren().forPath(parent));
        } catch (KeeperException.NoNodeException e) {
            // nobody arrived
        } catch (Exception e) {
            throw new InjectorRunException("run " + spec.runId() + ": reading " + parent + " failed", e);
        }
        return absent;
    }

    private void memberGone(ChildData data) {
        if (data.getPath().equals(paths.members())) {
            return;
        }
        lostUnlessFinished(ZKPaths.getNodeFromPath(data.getPath()));
    }

    private void lostUnlessFinished(String name) {
        if (closed || client.getState() != CuratorFrameworkState.STARTED) {
            return; // this injector's own client closed: it is the one gone, it cannot judge the others
        }
        try {
            if (client.checkExists().forPath(ZKPaths.makePath(paths.finished(), name)) == null) {
                markLost(name);
            }
        } catch (Exception e) {
            log.warn("run {}: could not tell whether {} finished", spec.runId(), name, e);
        }
    }

    private void markLost(String name) {
        if (lost.add(name)) {
            log.warn("run {}: injector {} lost (its ZooKeeper session ended before it finished; seen by {})",
                    spec.runId(), name, id);
            for (Consumer<String> listener : lostListeners) {
                try {
                    listener.accept(name);
                } catch (RuntimeException e) {
                    log.warn("run {}: a lost-injector listener failed on {}", spec.runId(), name, e);
                }
            }
        }
    }

    /** Stops watching and leaves the run (deleting the member node). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        members.close();
        if (client.getState() != CuratorFrameworkState.STARTED) {
            return; // the session ended with the client: the member node is gone already
        }
        try {
            client.delete().quietly().guaranteed().forPath(paths.member(id));
        } catch (Exception e) {
            log.warn("run {}: {} could not delete its member node", spec.runId(), id, e);
        }
    }
}
