package dev.rpcharness.consumer.internal.callback;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The callbacks one I/O thread completed in one read batch, handed to the {@link DrainerPool} as one queue entry.
 *
 * <p>Threading and lifecycle: filled by one thread ({@link #add}) and then published once through the pool's queue
 * (a happens-before edge); from then on it is read-only except for the cursor. Callbacks are claimed one at a time
 * through that shared cursor ({@link #next}), in the order they were added, so a thread taking over from a drainer
 * blocked in one of them goes on with the rest of the batch, and every callback is claimed exactly once whoever
 * claims it. {@link #run()} runs whatever is left on the calling thread (closing pool).
 */
final class CallbackBatch implements Runnable {

    private static final VarHandle CURSOR;

    static {
        try {
            CURSOR = MethodHandles.lookup().findVarHandle(CallbackBatch.class, "cursor", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object owner;
    private Runnable[] tasks;
    private int size;
    @SuppressWarnings("unused") // through CURSOR
    private volatile int cursor;

    /**
     * @param owner    the executor that holds this batch on an I/O thread and hands it over
     * @param capacity room for this many callbacks before the array grows
     */
    CallbackBatch(Object owner, int capacity) {
        this.owner = owner;
        this.tasks = new Runnable[Math.max(1, capacity)];
    }

    /** The executor this batch is for. */
    Object owner() {
        return owner;
    }

    /** Adds a callback; by the filling thread, before the batch is published. */
    void add(Runnable task) {
        if (size == tasks.length) {
            tasks = Arrays.copyOf(tasks, size * 2);
        }
        tasks[size++] = task;
    }

    int size() {
        return size;
    }

    /** The only callback of a batch of one (the batch itself is then not needed). */
    Runnable first() {
        return tasks[0];
    }

    /** Claims the next callback, or returns null when none is left. Any thread, once published. */
    Runnable next() {
        int i = (int) CURSOR.getAndAdd(this, 1);
        if (i >= size) {
            return null;
        }
        Runnable task = tasks[i];
        tasks[i] = null; // claimed once: let it go as soon as it ran
        return task;
    }

    /** Whether callbacks are still unclaimed. Any thread, once published. */
    boolean hasMore() {
        return cursor < size;
    }

    /** Runs every callback not yet claimed, here; a failing one is logged and the rest still run. */
    @Override
    public void run() {
        Runnable task;
        while ((task = next()) != null) {
            DrainerPool.runQuietly(task);
        }
    }
}
