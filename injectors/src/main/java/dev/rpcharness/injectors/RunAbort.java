package dev.rpcharness.injectors;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborting a whole run from any of its injectors, when the run's spec opts in ({@link RunSpec#abortOnBreach()}): an
 * injector whose own SLO check fails calls {@link #abort(String)}, which creates the run's persistent node
 * {@code abort} holding the {@link Abort} as JSON. The first abort wins: a later one finds the node there, keeps it
 * and logs its own reason. Every injector's {@code RunAbort} reads the node every {@link #POLL} and, once it is there,
 * tells its {@link #onAbort} listeners once; each injector then stops its load and calls {@link InjectorRun#finish()}
 * as usual, which meets the others at the end barrier and throws {@link RunAbortedException} naming who aborted and
 * why. Without the opt-in, {@link #abort(String)} writes nothing, logs and returns empty, and nothing is polled.
 *
 * <p>The node is polled rather than watched on purpose: watches of their own under the run made the members cache
 * of some sessions miss a dead injector's deletion (see {@link ChildrenWait}). The cost is one read per injector
 * every {@link #POLL}, only in runs that opt in.
 *
 * <p>Threading: one daemon thread per instance, {@code abort-<runId>-<id>}, polls and runs the listeners (one
 * abort, once); {@link #abort(String)} tells the listeners on the calling thread when it is the one that sees the
 * abort first. A listener registered after the abort was seen is told at once, on the registering thread. Every
 * method may be called by any thread.
 *
 * <p>Lifecycle: {@link #start} starts polling; {@link #close()} stops it (idempotent). The abort node stays (it is
 * the run's record of why it ended); the run and its client belong to the caller, who closes this first.
 */
public final class RunAbort implements AutoCloseable {

    /** How often every injector reads the abort node: an abort is seen everywhere within about this, plus a read. */
    public static final Duration POLL = Duration.ofMillis(200);

    private static final Logger log = LoggerFactory.getLogger(RunAbort.class);

    private final InjectorRun run;
    private final CuratorFramework client;
    private final String path;
    private final Clock clock;
    private final ScheduledExecutorService poller;
    private final List<Consumer<Abort>> listeners = new ArrayList<>();
    private Abort abort; // guarded by listeners
    private boolean pollFailing;
    private volatile boolean closed;

    private RunAbort(InjectorRun run, Clock clock) {
        this.run = run;
        this.client = run.client();
        this.path = run.paths().abort();
        this.clock = clock;
        if (run.spec().abortOnBreach()) {
            String name = "abort-" + run.spec().runId() + "-" + run.id();
            this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        } else {
            this.poller = null;
        }
    }

    /**
     * Starts watching the run for an abort (by polling its node), when its spec opts in; otherwise does nothing but
     * refuse {@link #abort(String)}.
     */
    public static RunAbort start(InjectorRun run) {
        return start(run, Clock.systemUTC());
    }

    static RunAbort start(InjectorRun run, Clock clock) {
        RunAbort abort = new RunAbort(Objects.requireNonNull(run, "run"), Objects.requireNonNull(clock, "clock"));
        if (abort.poller != null) {
            abort.poller.scheduleWithFixedDelay(abort::poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
        return abort;
    }

    /**
     * Aborts the run with this injector's reason, if the spec opts in and no injector aborted it before.
     *
     * @return the abort that stands: this one, or the earlier one that won; empty when the spec does not opt in
     *     (nothing is written: the injector reports its own failure only)
     * @throws InjectorRunException when ZooKeeper fails
     * @throws IllegalStateException after {@link #close()}
     */
    public Optional<Abort> abort(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (closed) {
            throw new IllegalStateException("run " + run.spec().runId() + ": " + run.id() + "'s abort is closed");
        }
        if (!run.spec().abortOnBreach()) {
            log.warn("run {}: {} does not abort the run (its spec does not opt in to abortOnBreach): {}",
                    run.spec().runId(), run.id(), reason);
            return Optional.empty();
        }
        Abort mine = new Abort(run.id(), reason, clock.millis());
        Abort first;
        try {
            try {
                client.create().creatingParentContainersIfNeeded().forPath(path, mine.toJson());
                log.warn("run {}: {} aborts the run: {}", run.spec().runId(), run.id(), reason);
                first = mine;
            } catch (KeeperException.NodeExistsException e) {
                first = read().orElseThrow(() -> new IllegalStateException("the node vanished"));
                log.warn("run {}: {} would abort the run ({}), but {} aborted it first: {}", run.spec().runId(),
                        run.id(), reason, first.injector(), first.reason());
            }
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id() + " could not abort the"
                    + " run at " + path, e);
        }
        seen(first);
        return Optional.of(first);
    }

    /** The run's abort as this injector has seen it, or empty while it has seen none. */
    public Optional<Abort> aborted() {
        synchronized (listeners) {
            return Optional.ofNullable(abort);
        }
    }

    /** Registers a listener told the run's abort once: when it is seen, or at once if it was seen already. */
    public void onAbort(Consumer<Abort> listener) {
        Objects.requireNonNull(listener, "listener");
        Abort already;
        synchronized (listeners) {
            listeners.add(listener);
            already = abort;
        }
        if (already != null) {
            tell(listener, already);
        }
    }

    /** The run's abort read from ZooKeeper now, or empty when there is none. */
    static Optional<Abort> read(CuratorFramework client, String path) throws Exception {
        try {
            return Optional.of(Abort.fromJson(client.getData().forPath(path)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /**
     * Throws {@link RunAbortedException} when the run's spec opts in and its abort node is there, with
     * {@code alsoFailed} (if any) suppressed; {@link InjectorRun#finish()} calls it past the end barrier.
     */
    static void throwIfAborted(InjectorRun run, InjectorRunException alsoFailed) {
        if (!run.spec().abortOnBreach()) {
            return; // nobody writes the abort node
        }
        Optional<Abort> abort;
        try {
            abort = read(run.client(), run.paths().abort());
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id() + " could not read "
                    + run.paths().abort(), e);
        }
        if (abort.isPresent()) {
            RunAbortedException aborted = new RunAbortedException(run.spec().runId(), run.id(), abort.get());
            if (alsoFailed != null) {
                aborted.addSuppressed(alsoFailed);
            }
            throw aborted;
        }
    }

    private Optional<Abort> read() throws Exception {
        return read(client, path);
    }

    private void poll() {
        if (closed || aborted().isPresent()) {
            return;
        }
        try {
            read().ifPresent(this::seen);
            pollFailing = false;
        } catch (Exception e) {
            if (!pollFailing && !closed) {
                log.warn("run {}: {} could not read the abort node {} (logged once until it works again)",
                        run.spec().runId(), run.id(), path, e);
            }
            pollFailing = true;
        }
    }

    private void seen(Abort first) {
        List<Consumer<Abort>> toTell;
        synchronized (listeners) {
            if (abort != null) {
                return;
            }
            abort = first;
            toTell = List.copyOf(listeners);
        }
        if (poller != null) {
            poller.shutdown(); // the first abort stands: nothing more to read
        }
        log.warn("run {}: aborted by {} at {}: {} (seen by {})", run.spec().runId(), first.injector(), first.at(),
                first.reason(), run.id());
        for (Consumer<Abort> listener : toTell) {
            tell(listener, first);
        }
    }

    private void tell(Consumer<Abort> listener, Abort first) {
        try {
            listener.accept(first);
        } catch (RuntimeException e) {
            log.warn("run {}: an abort listener of {} failed", run.spec().runId(), run.id(), e);
        }
    }

    /** Stops polling; the abort node, if any, stays. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (poller == null) {
            return;
        }
        poller.shutdown();
        try {
            if (!poller.awaitTermination(5, TimeUnit.SECONDS)) {
                poller.shutdownNow();
            }
        } catch (InterruptedException e) {
            poller.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
