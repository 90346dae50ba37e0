package dev.rpcharness.consumer.internal.policy;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one pending timer of a {@link PolicyCall} (its next hedge or its retry's backoff), never past the call's
 * deadline: scheduling replaces the pending one. Thread-safe; the task runs on the given scheduler.
 */
final class CallTimer {

    private final ScheduledExecutorService scheduler;
    private final long deadlineNanos;
    private Future<?> pending;

    CallTimer(ScheduledExecutorService scheduler, long deadlineNanos) {
        this.scheduler = scheduler;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Runs {@code task} after {@code delayNanos} instead of the pending task. Returns false, scheduling nothing,
     * when that would be at or after the deadline or the scheduler is shut down (the client closes).
     */
    synchronized boolean schedule(long delayNanos, Runnable task) {
        cancel();
        if (System.nanoTime() + delayNanos - deadlineNanos >= 0) {
            return false;
        }
        try {
            pending = scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException closing) {
            return false;
        }
    }

    /** Cancels the pending task, if any. */
    synchronized void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
