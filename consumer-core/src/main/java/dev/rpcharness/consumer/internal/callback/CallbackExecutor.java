package dev.rpcharness.consumer.internal.callback;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a client's callbacks run: the user's executor if one was given, else a pool the client owns. A callback
 * the user's executor rejects (saturated) is not lost and never runs on an I/O thread: it goes to a small overflow
 * thread owned by the client. Thread-safe.
 *
 * <p>The owned pool is fed in batches: callbacks go to a lock-free queue, and at most one drainer per pool thread
 * takes them from there until it is empty. Handing a callback over costs a queue insert; only when fewer drainers
 * than pool threads are running is a drainer started (a pool task and a thread wake-up). Under load the running
 * drainers keep taking what the I/O threads complete, with no wake-up per callback. A callback that blocks holds
 * its own drainer only, as it held its own pool thread before: the other drainers go on with the queue, and the
 * I/O threads never wait.
 *
 * <p>Lifecycle: created with the client; {@link #close()} stops the threads the client owns and never shuts down a
 * user's executor. No queued callback is lost on close: what the owned threads have not run after a short wait
 * runs on the closing thread. After close, {@link #execute} rejects, so the future runs a late callback on the
 * thread that added it; no thread is started after close.
 */
public final class CallbackExecutor implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallbackExecutor.class);

    private final Executor target;
    private final ExecutorService owned;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    private final int maxDrainers;
    private final Runnable drainer = this::drain;
    private final String threadPrefix;
    private ExecutorService overflow;
    private boolean warned;
    private volatile boolean closed;

    /**
     * @param userExecutor the user's executor, or null for a pool of {@code poolThreads} owned threads
     * @param threadPrefix name prefix of threads this class starts
     */
    public CallbackExecutor(Executor userExecutor, int poolThreads, String threadPrefix) {
        this.threadPrefix = threadPrefix;
        if (userExecutor == null) {
            this.owned = new ThreadPoolExecutor(poolThreads, poolThreads, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), new DefaultThreadFactory(threadPrefix, true));
            ((ThreadPoolExecutor) owned).allowCoreThreadTimeOut(true);
            this.target = owned;
            this.maxDrainers = poolThreads;
        } else {
            this.owned = null;
            this.target = userExecutor;
            this.maxDrainers = 0;
        }
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("callback executor " + threadPrefix + " is closed");
        }
        if (owned != null) {
            queue.offer(task);
            startDrainer();
            return;
        }
        try {
            target.execute(task);
        } catch (RejectedExecutionException e) {
            Executor extra = overflow();
            if (extra == null) {
                throw e;
            }
            extra.execute(task);
        }
    }

    /** Starts a drainer on the owned pool unless as many run as it has threads. */
    private void startDrainer() {
        if (!enterDrainer()) {
            return; // the running drainers take the queue, and look again before they stop
        }
        try {
            owned.execute(drainer);
        } catch (RejectedExecutionException closed) {
            // The pool stopped (the client closed meanwhile): what is queued runs here, as a rejected callback would.
            drainers.decrementAndGet();
            Runnable task;
            while ((task = queue.poll()) != null) {
                runQuietly(task);
            }
        }
    }

    /** Counts one more drainer if fewer than the pool's threads run. */
    private boolean enterDrainer() {
        while (true) {
            int running = drainers.get();
            if (running >= maxDrainers) {
                return false;
            }
            if (drainers.compareAndSet(running, running + 1)) {
                return true;
            }
        }
    }

    /** Runs queued callbacks until the queue is empty. On an owned pool thread. */
    private void drain() {
        do {
            Runnable task;
            while ((task = queue.poll()) != null) {
                runQuietly(task);
            }
            drainers.decrementAndGet();
            // A callback queued after the last poll, while this drainer still counted as running, is not left
            // behind: look again, and go on as a drainer if there is room (else one that runs will see it).
        } while (!queue.isEmpty() && enterDrainer());
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.warn("callback task failed: {}", e.toString());
        }
    }

    private synchronized Executor overflow() {
        if (closed) {
            return null;
        }
        if (!warned) {
            warned = true;
            log.warn("callback executor rejected a callback; overflow callbacks run on {}-overflow", threadPrefix);
        }
        if (overflow == null) {
            overflow = Executors.newSingleThreadExecutor(new DefaultThreadFactory(threadPrefix + "-overflow", true));
        }
        return overflow;
    }

    /**
     * Stops the owned threads after the callbacks already queued have run: it waits about half a second for the
     * threads, then runs what is still queued on the calling thread.
     */
    @Override
    public void close() {
        ExecutorService extra;
        synchronized (this) {
            closed = true;
            extra = overflow;
        }
        for (ExecutorService service : new ExecutorService[] {owned, extra}) {
            if (service == null) {
                continue;
            }
            service.shutdown();
            boolean interrupted = false;
            try {
                service.awaitTermination(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (!service.isTerminated() && service instanceof ThreadPoolExecutor pool) {
                // Take the queued callbacks without interrupting the running ones, and run them here.
                Runnable task;
                while ((task = pool.getQueue().poll()) != null) {
                    task.run();
                }
            } else if (!service.isTerminated()) {
                for (Runnable task : service.shutdownNow()) {
                    task.run();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Runnable task;
        while ((task = queue.poll()) != null) {
            runQuietly(task); // handed over, not yet taken by a drainer when the pool stopped
        }
    }
}
