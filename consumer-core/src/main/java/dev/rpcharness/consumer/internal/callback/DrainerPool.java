package dev.rpcharness.consumer.internal.callback;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's own callback threads: one queue, one drainer awake at a time, and a watcher that hands the queue
 * to another thread when the drainer is stuck in a callback.
 *
 * <p>Roles. The <em>leader</em> takes callbacks from the queue and runs them one after the other, in the order
 * they were queued; when the queue is empty it parks, and the next {@link #execute} wakes it. A hand-over costs a
 * queue insert and one read of the leader's state: only a hand-over that finds the leader asleep unparks it, so a
 * busy leader takes a whole batch with no wake-up per callback. The <em>watcher</em> looks at the leader every
 * {@link #STUCK_NANOS} (1 ms): a leader still inside the same callback at two looks in a row, with callbacks
 * waiting, is taken to be blocked, and the watcher becomes the leader (a new watcher is appointed from the parked
 * <em>reserves</em>, or started while fewer than {@code maxThreads} run). The blocked thread, when its callback
 * returns, becomes the watcher or a reserve. So a callback that blocks (a synchronous call made inside it, a
 * sleep, a lock) holds up the callbacks queued behind it by one to two milliseconds, never the I/O threads; only
 * when all {@code maxThreads} threads are inside blocked callbacks do the others wait. While the leader sleeps for
 * long (about 64 ms) the watcher parks too; the leader wakes it when it wakes.
 *
 * <p>Batches. An I/O thread hands over the callbacks of one read batch together ({@link #executeAll}): one queue
 * entry, so one queue insert and at most one wake-up for the whole batch rather than one per callback (a read
 * batch of a busy connection completes a hundred calls and more; handed over one by one they woke the sleeping
 * leader several times per batch). The leader claims a batch's callbacks one at a time through the batch's own
 * cursor ({@link CallbackBatch}), and the batch it is in is visible to the watcher: a watcher that takes over from a
 * leader blocked inside a batch goes on with the rest of that batch before the queue, so a blocked callback holds
 * up the callbacks after it in its batch no longer than any other queued callback.
 *
 * <p>Ordering: callbacks start in the order they were queued (within a batch, in the batch's order) while one
 * leader runs; after a hand-over the blocked callback goes on beside the next ones. Rarely, around a hand-over,
 * two threads take callbacks for a moment; each callback still runs exactly once.
 *
 * <p>Threading: {@link #execute} from any thread; the roles change with compare-and-set on one word, no lock on
 * the hot path. Lifecycle: threads start on the first callback; {@link #close()} stops them after the queue is
 * empty, waits about half a second, then runs what is still queued on the closing thread, including the rest of
 * a batch whose thread is still blocked in one of its callbacks. After close,
 * {@link #execute} rejects.
 */
final class DrainerPool implements Executor, AutoCloseable {

    /** How often the watcher looks at the leader; a leader in one callback for two looks is taken as blocked. */
    static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int DORMANT_TICKS = 64;
    private static final int NONE = -1;
    private static final int SLEEPING = 1;

    private static final Logger log = LoggerFactory.getLogger(DrainerPool.class);

    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private final ThreadFactory threads;
    private final String name;
    /** The leader's index shifted left by one, its low bit {@link #SLEEPING}; {@link #NONE} before the start. */
    private final AtomicInteger ctl = new AtomicInteger(NONE);
    /** The watcher's index, or -1 while no thread is free to watch. */
    private final AtomicInteger watcher = new AtomicInteger(-1);
    private final Queue<Worker> reserves = new ConcurrentLinkedQueue<>();
    private int started; // guarded by this
    private volatile boolean watcherDormant;
    private volatile boolean closed;

    /**
     * @param maxThreads at most this many threads (at least 1; with 1 there is no watcher)
     * @param name       name prefix of the threads
     */
    DrainerPool(int maxThreads, String name) {
        this.workers = new Worker[Math.max(1, maxThreads)];
        this.threads = new DefaultThreadFactory(name, true);
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        hand(task);
    }

    /**
     * Hands over the callbacks of one read batch as one queue entry: one queue insert and at most one wake-up for
     * all of them. They run in the order they were added; a thread that takes over from a drainer blocked in one
     * of them runs the rest.
     */
    void executeAll(CallbackBatch batch) {
        if (batch.size() == 1) {
            hand(batch.first());
        } else if (batch.size() > 1) {
            hand(batch);
        }
    }

    private void hand(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("callback executor " + name + " is closed");
        }
        queue.offer(task);
        int c = ctl.get();
        if (c == NONE) {
            start();
        } else if ((c & SLEEPING) != 0 && ctl.compareAndSet(c, c & ~SLEEPING)) {
            LockSupport.unpark(workers[c >> 1].thread);
        }
        if (closed) {
            runQueuedHere(); // close ran between the check and the offer: nothing is left behind
        }
    }

    /** Starts the leader and the watcher on the first callback. */
    private synchronized void start() {
        if (ctl.get() != NONE || closed) {
            return;
        }
        Worker leader = newWorker();
        ctl.set(leader.index << 1);
        if (workers.length > 1) {
            watcher.set(newWorker().index);
        }
        for (int i = 0; i < started; i++) {
            workers[i].thread.start();
        }
    }

    /** A new worker, not yet started. Guarded by this. */
    private Worker newWorker() {
        Worker w = new Worker(started);
        w.thread = threads.newThread(() -> run(w));
        workers[started++] = w;
        return w;
    }

    private void run(Worker me) {
        while (true) {
            int c = ctl.get();
            if (c >> 1 == me.index) {
                CallbackBatch inherited = me.inherited;
                me.inherited = null;
                lead(me, inherited);
                if (closed && queue.isEmpty() && ctl.get() >> 1 == me.index) {
                    return;
                }
            } else if (closed) {
                return;
            } else if (watcher.get() == me.index || watcher.compareAndSet(-1, me.index)) {
                watch(me);
            } else {
                reserves.offer(me);
                while (watcher.get() != me.index && !closed) {
                    LockSupport.park(this);
                }
            }
        }
    }

    /**
     * Runs queued callbacks while this worker leads; returns when another took over, or on close. A worker that
     * took over first finishes the batch the blocked leader was in ({@code inherited}, null for none).
     */
    private void lead(Worker me, CallbackBatch inherited) {
        int running = me.index << 1;
        if (inherited != null && !runBatch(me, inherited)) {
            return;
        }
        while (true) {
            Runnable task;
            while ((task = queue.poll()) != null) {
                if (task instanceof CallbackBatch batch) {
                    if (!runBatch(me, batch)) {
                        return;
                    }
                    continue;
                }
                me.enter();
                runQuietly(task);
                me.leave();
                if (ctl.get() >> 1 != me.index) {
                    return; // the watcher took the queue while this callback blocked
                }
            }
            if (closed || !ctl.compareAndSet(running, running | SLEEPING)) {
                return;
            }
            // A callback queued after the last poll may have read the leader awake: look once more.
            if (!queue.isEmpty() && ctl.compareAndSet(running | SLEEPING, running)) {
                continue;
            }
            while (ctl.get() == (running | SLEEPING) && !closed) {
                LockSupport.park(this);
            }
            if (watcherDormant) {
                watcherDormant = false;
                int w = watcher.get();
                if (w >= 0) {
                    LockSupport.unpark(workers[w].thread);
                }
            }
        }
    }

    /**
     * Runs a batch's callbacks one by one while this worker leads; false when another took over (it goes on with
     * the rest of the batch).
     */
    private boolean runBatch(Worker me, CallbackBatch batch) {
        me.batch = batch;
        try {
            Runnable task;
            while ((task = batch.next()) != null) {
                me.enter();
                runQuietly(task);
                me.leave();
                if (ctl.get() >> 1 != me.index) {
                    return false; // the watcher took the queue and this batch while this callback blocked
                }
            }
            return true;
        } finally {
            me.batch = null;
        }
    }

    /** Looks at the leader each tick and takes over from a blocked one; returns when this worker leads. */
    private void watch(Worker me) {
        int lastLeader = -1;
        long lastSeq = -1;
        int sleepingTicks = 0;
        while (!closed && watcher.get() == me.index) {
            LockSupport.parkNanos(this, STUCK_NANOS);
            int c = ctl.get();
            if ((c & SLEEPING) != 0) {
                lastLeader = -1;
                if (++sleepingTicks >= DORMANT_TICKS) {
                    sleepingTicks = 0;
                    watcherDormant = true;
                    while (watcherDormant && (ctl.get() & SLEEPING) != 0 && !closed) {
                        LockSupport.park(this);
                    }
                    watcherDormant = false;
                }
                continue;
            }
            sleepingTicks = 0;
            int leader = c >> 1;
            Worker stuck = workers[leader];
            long seq = stuck.seq();
            CallbackBatch batch = stuck.batch;
            if (leader == lastLeader && seq == lastSeq && (seq & 1) != 0
                    && (!queue.isEmpty() || batch != null && batch.hasMore())
                    && ctl.compareAndSet(c, me.index << 1)) {
                me.inherited = batch;
                watcher.compareAndSet(me.index, -1);
                log.debug("callback thread {} blocked in a callback; {} takes the queue",
                        workers[leader].thread.getName(), me.thread.getName());
                appointWatcher();
                return;
            }
            lastLeader = leader;
            lastSeq = seq;
        }
    }

    /** Gives the watcher's place to a parked reserve, or to a new thread while fewer than the maximum run. */
    private void appointWatcher() {
        Worker reserve = reserves.poll();
        if (reserve != null) {
            if (watcher.compareAndSet(-1, reserve.index)) {
                LockSupport.unpark(reserve.thread);
            } else {
                reserves.offer(reserve);
            }
            return;
        }
        synchronized (this) {
            if (started < workers.length && !closed && watcher.get() == -1) {
                Worker w = newWorker();
                watcher.set(w.index);
                w.thread.start();
            }
        }
    }

    private void runQueuedHere() {
        Runnable task;
        while ((task = queue.poll()) != null) {
            runQuietly(task); // a batch runs whatever of it is unclaimed
        }
    }

    static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.warn("callback task failed: {}", e.toString());
        }
    }

    /**
     * Stops the threads after the callbacks already queued have run: it waits about half a second for them, then
     * runs what is still queued on the calling thread (a callback still blocked keeps its thread).
     */
    @Override
    public void close() {
        int count;
        synchronized (this) {
            closed = true;
            count = started;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        boolean interrupted = false;
        for (int i = 0; i < count; i++) {
            LockSupport.unpark(workers[i].thread);
        }
        for (int i = 0; i < count; i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || workers[i].thread == Thread.currentThread()) {
                continue;
            }
            try {
                workers[i].thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (int i = 0; i < count; i++) {
            CallbackBatch left = workers[i].batch; // a worker still blocked in a batch: the rest of it runs here
            if (left != null) {
                left.run();
            }
        }
        runQueuedHere();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One thread of the pool and its progress: {@code seq} is odd while it runs a callback. */
    private static final class Worker {
        private static final VarHandle SEQ;

        static {
            try {
                SEQ = MethodHandles.lookup().findVarHandle(Worker.class, "seq", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int index;
        Thread thread;
        /** The batch this worker is running, null between batches; read by the watcher and by close. */
        volatile CallbackBatch batch;
        /** The batch of the blocked leader this worker took over from; this worker's own field. */
        CallbackBatch inherited;
        private long seq; // written by the worker only, with release stores (no fence per callback)

        Worker(int index) {
            this.index = index;
        }

        void enter() {
            SEQ.setRelease(this, seq + 1);
        }

        void leave() {
            SEQ.setRelease(this, seq + 1);
        }

        /** The progress count as another thread sees it. */
        long seq() {
            return (long) SEQ.getAcquire(this);
        }
    }
}
