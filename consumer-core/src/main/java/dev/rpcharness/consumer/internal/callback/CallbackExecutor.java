package dev.rpcharness.consumer.internal.callback;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a client's callbacks run: the user's executor if one was given, else threads the client owns (a
 * {@link DrainerPool}: one drainer awake at a time taking callbacks in batches, and a watcher that hands the
 * queue to another thread when a callback blocks for more than about a millisecond). With the owned threads, an I/O
 * thread holds the callbacks of one read batch ({@link #hold}) and hands them over together when the batch ends
 * ({@link #release}), at the latest at the end of its event loop's turn. A callback the user's
 * executor rejects (saturated) is not lost and never runs on an I/O thread: it goes to a small overflow thread
 * owned by the client. Thread-safe; a hold belongs to the thread that opened it.
 *
 * <p>Lifecycle: created with the client; {@link #close()} stops the threads the client owns and never shuts down a
 * user's executor. No queued callback is lost on close: what the owned threads have not run after a short wait
 * runs on the closing thread. After close, {@link #execute} rejects, so the future runs a late callback on the
 * thread that added it; no thread is started after close.
 */
public final class CallbackExecutor implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallbackExecutor.class);
    /**
     * The batch an I/O thread is holding (between {@link #hold} and {@link #release}), naming the executor it is
     * for. One slot for every client: Netty never reuses a {@code FastThreadLocal}'s index, so one per client would
     * grow the thread-local map of every I/O thread started after many clients were made.
     */
    private static final FastThreadLocal<CallbackBatch> HELD = new FastThreadLocal<>();
    private static final int MIN_BATCH_CAPACITY = 16;
    private static final int MAX_BATCH_CAPACITY = 4096;

    private final Executor target;
    private final DrainerPool owned;
    private final String threadPrefix;
    private final Runnable releaseHere = this::release;
    /**
     * Room a new batch starts with: the size of a batch released lately (by any I/O thread; a plain field, as a
     * stale value only costs the array a copy or some slack), so a busy connection's batches do not grow their
     * array from a few slots each time.
     */
    private int batchCapacity = MIN_BATCH_CAPACITY;
    private ExecutorService overflow;
    private boolean warned;
    private volatile boolean closed;

    /**
     * @param userExecutor the user's executor, or null for at most {@code poolThreads} owned threads
     * @param threadPrefix name prefix of threads this class starts
     */
    public CallbackExecutor(Executor userExecutor, int poolThreads, String threadPrefix) {
        this.threadPrefix = threadPrefix;
        if (userExecutor == null) {
            this.owned = new DrainerPool(poolThreads, threadPrefix);
            this.target = owned;
        } else {
            this.owned = null;
            this.target = userExecutor;
        }
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("callback executor " + threadPrefix + " is closed");
        }
        if (owned != null) {
            CallbackBatch batch = Thread.currentThread() instanceof FastThreadLocalThread ? HELD.getIfExists() : null;
            if (batch != null && batch.owner() == this) {
                batch.add(task);
            } else {
                owned.execute(task);
            }
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

    /**
     * From now until {@link #release}, the callbacks the calling thread hands over are held, then handed to the
     * owned threads together: one queue entry and at most one wake-up for a whole read batch instead of one per
     * callback. An I/O thread calls it as a read batch starts (idempotent while held); it does nothing with a
     * user's executor, which gets each callback as its own task.
     *
     * @param loop the calling thread's event loop: a hold still open at the end of its current turn is released
     *             then, so a batch whose end is never reported loses no callback and delays none beyond one turn
     */
    public void hold(Executor loop) {
        if (owned != null && HELD.getIfExists() == null) {
            try {
                loop.execute(releaseHere);
            } catch (RejectedExecutionException shuttingDown) {
                return; // no hold: the callbacks go one by one
            }
            HELD.set(new CallbackBatch(this, batchCapacity));
        }
    }

    /**
     * Hands the callbacks held on the calling thread since {@link #hold} to the owned threads, and stops holding.
     * Nothing when none are held. After close they run here, on the calling thread.
     */
    public void release() {
        if (owned == null) {
            return;
        }
        CallbackBatch batch = HELD.getIfExists();
        if (batch == null || batch.owner() != this) {
            return;
        }
        HELD.remove();
        batchCapacity = Math.min(MAX_BATCH_CAPACITY, Math.max(MIN_BATCH_CAPACITY, batch.size()));
        try {
            owned.executeAll(batch);
        } catch (RejectedExecutionException closing) {
            batch.run();
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
        if (owned != null) {
            owned.close();
        }
        if (extra == null) {
            return;
        }
        extra.shutdown();
        boolean interrupted = false;
        try {
            extra.awaitTermination(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (!extra.isTerminated() && extra instanceof ThreadPoolExecutor pool) {
            // Take the queued callbacks without interrupting the running ones, and run them here.
            Runnable task;
            while ((task = pool.getQueue().poll()) != null) {
                task.run();
            }
        } else if (!extra.isTerminated()) {
            for (Runnable task : extra.shutdownNow()) {
                task.run();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
