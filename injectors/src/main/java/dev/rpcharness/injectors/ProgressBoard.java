package dev.rpcharness.injectors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live view of a run across its injectors: every interval (5 s by default) each injector's board publishes its
 * own {@link Progress}, taken from the caller's supplier, to its ephemeral node {@code progress/<id>} under the run
 * (the node goes with the injector's session), and one board, the printer, reads every injector's node and logs
 * one combined line (see {@link CombinedProgress} for what each figure means):
 *
 * <pre>
 * run nightly-7 [t+35s] 3/3 injectors: 1,204 calls/s, 0 errors (0.00%), p99 12.3 ms (max of injectors), lost: none
 * </pre>
 *
 * <p>Who prints: the live injector with the lowest index, that is {@code injector-0} as long as its member node is
 * there, then {@code injector-1}, and so on. Each board decides at each interval from the run's {@code members}
 * nodes, so when the printer dies the next one takes over within an interval or two, with no election.
 *
 * <p>Threading: one daemon thread per board, named {@code progress-<runId>-<id>}, calls the supplier (which must
 * therefore be safe to call from that thread), publishes, reads and prints; line listeners run on it too, one line
 * at a time. A failing interval (ZooKeeper away, a supplier that throws, a node that does not parse) is logged and
 * the next interval tries again. {@link #lastLine()} may be read by any thread.
 *
 * <p>Lifecycle: {@link #start} starts the thread at once (first publish immediately); {@link #close()} stops it
 * (waiting up to 5 s for an interval in progress) and deletes this injector's own progress node, nothing else; it is
 * idempotent. The run and its client belong to the caller, who closes the board before them.
 */
public final class ProgressBoard implements AutoCloseable {

    /** The default time between two publishes (and two lines). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(ProgressBoard.class);

    private final InjectorRun run;
    private final CuratorFramework client;
    private final RunPaths paths;
    private final Supplier<Progress> local;
    private final CombinedProgress combined;
    private final long createdNanos = System.nanoTime();
    private final ScheduledExecutorService scheduler;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String lastLine;
    private boolean publishFailing;
    private boolean printFailing;

    private ProgressBoard(InjectorRun run, Supplier<Progress> local) {
        this.run = run;
        this.client = run.client();
        this.paths = run.paths();
        this.local = local;
        this.combined = new CombinedProgress(run.spec().runId(), run.spec().injectors());
        String name = "progress-" + run.spec().runId() + "-" + run.id();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** {@link #start(InjectorRun, Supplier, Duration)} every {@link #DEFAULT_INTERVAL}. */
    public static ProgressBoard start(InjectorRun run, Supplier<Progress> local) {
        return start(run, local, DEFAULT_INTERVAL);
    }

    /**
     * Starts publishing this injector's progress every {@code interval}, and printing the combined line whenever
     * this injector is the printer.
     *
     * @param run this injector's run (joined; usually past its start barrier, from which {@code t+} counts)
     * @param local this injector's progress now; its {@link Progress#injector()} must be {@code run.id()}
     * @param interval time between two publishes, positive
     */
    public static ProgressBoard start(InjectorRun run, Supplier<Progress> local, Duration interval) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        ProgressBoard board = new ProgressBoard(run, local);
        board.scheduler.scheduleAtFixedRate(board::tick, 0, Math.max(1, interval.toMillis()),
                TimeUnit.MILLISECONDS);
        return board;
    }

    /** Registers a listener told every combined line this board prints (only while it is the printer). */
    public void onLine(Consumer<String> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The last combined line this board printed, or null when it has printed none. */
    public String lastLine() {
        return lastLine;
    }

    private void tick() {
        try {
            publish();
            publishFailing = false;
        } catch (Exception e) {
            publishFailing = warnOnce(publishFailing, "could not publish its progress", e);
        }
        try {
            if (isPrinter()) {
                print();
            }
            printFailing = false;
        } catch (Exception e) {
            printFailing = warnOnce(printFailing, "could not read the injectors' progress", e);
        }
    }

    private boolean warnOnce(boolean already, String what, Exception e) {
        if (closed.get()) {
            return already;
        }
        if (already) {
            log.debug("run {}: {} {} again: {}", run.spec().runId(), run.id(), what, e.toString());
        } else {
            log.warn("run {}: {} {} (logged once until it works again)", run.spec().runId(), run.id(), what, e);
        }
        return true;
    }

    private void publish() throws Exception {
        Progress progress = Objects.requireNonNull(local.get(), "the progress supplier returned null");
        if (!progress.injector().equals(run.id())) {
            throw new IllegalStateException("the progress supplier of " + run.id() + " names "
                    + progress.injector());
        }
        client.create().orSetData().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(paths.progress(run.id()), progress.toJson());
    }

    /** Whether no injector with a lower index than this one is a member of the run now. */
    private boolean isPrinter() throws Exception {
        List<String> members = client.getChildren().forPath(paths.members());
        for (int i = 0; i < run.index(); i++) {
            if (members.contains(run.spec().injectorId(i))) {
                return false;
            }
        }
        return true;
    }

    private void print() throws Exception {
        SortedSet<String> lost = run.lost();
        List<Progress> read = new ArrayList<>();
        List<String> children;
        try {
            children = client.getChildren().forPath(paths.progress());
        } catch (KeeperException.NoNodeException e) {
            children = List.of();
        }
        for (String child : children) {
            if (!lost.contains(child)) {
                readOne(child, read);
            }
        }
        read.sort(Comparator.comparing(Progress::injector));
        String line = combined.line(sinceStartMillis(), read, lost);
        lastLine = line;
        log.info(line);
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(line);
            } catch (RuntimeException e) {
                log.warn("run {}: a progress line listener failed", run.spec().runId(), e);
            }
        }
    }

    private void readOne(String child, List<Progress> into) throws Exception {
        String path = paths.progress(child);
        byte[] data;
        try {
            data = client.getData().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return; // its injector just left
        }
        try {
            Progress progress = Progress.fromJson(data);
            if (!progress.injector().equals(child)) {
                throw new IllegalArgumentException("it names " + progress.injector());
            }
            into.add(progress);
        } catch (IllegalArgumentException e) {
            log.warn("run {}: progress node {} left out: {}", run.spec().runId(), path, e.getMessage());
        }
    }

    private long sinceStartMillis() {
        long from;
        try {
            from = run.startNanos();
        } catch (IllegalStateException e) {
            from = createdNanos; // made before the start barrier
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
    }

    /** Stops the thread and deletes this injector's progress node (nothing else). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (client.getState() != CuratorFrameworkState.STARTED) {
            return; // the session ended with the client: the ephemeral node is gone already
        }
        try {
            client.delete().quietly().forPath(paths.progress(run.id()));
        } catch (Exception e) {
            log.debug("run {}: {} could not delete its progress node", run.spec().runId(), run.id(), e);
        }
    }
}
