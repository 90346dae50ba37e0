package dev.rpcharness.consumer.call;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The call deadlines of one connection: its calls linked in deadline order (an intrusive list through the calls
 * themselves, so adding and removing allocate nothing and take O(1) in the usual case) and one timer, set for the
 * earliest deadline. Calls taken with their whole timeout left arrive in deadline order and are appended; a call
 * that moved here from another connection keeps its earlier deadline and is inserted in order from the tail.
 * When the timer fires, every call whose deadline has passed is unlinked and handed to the expiry action, then
 * the timer is set for the next deadline. Removing a call never touches the timer: a timer that finds nothing due
 * sets itself for the new first deadline. So a connection busy with short calls keeps one timer that fires about
 * once per call timeout, instead of one scheduled task per call.
 *
 * <p>Threading: event loop of the owning connection only, like the calls linked here. Lifecycle: lives as long
 * as its connection; calls are unlinked when they end there, move on, or expire.
 */
public final class DeadlineList {

    private final EventExecutor loop;
    private final Consumer<RpcCall> onExpired;
    private final Runnable sweepTask = this::sweep;
    private RpcCall head;
    private RpcCall tail;
    private int size;
    private ScheduledFuture<?> timer;
    private long timerAt;
    /** The call removed last and its predecessor then, for {@link #restore}. */
    private RpcCall lastRemoved;
    private RpcCall lastRemovedPrev;

    /**
     * @param loop      the connection's event loop, which runs the timer
     * @param onExpired receives each call whose deadline passed, already unlinked; on the event loop
     */
    public DeadlineList(EventExecutor loop, Consumer<RpcCall> onExpired) {
        this.loop = loop;
        this.onExpired = onExpired;
    }

    /** Links a call whose deadline is fixed ({@link RpcCall#startDeadline()}); it must not be linked anywhere. */
    public void add(RpcCall call) {
        long d = call.deadlineNanos();
        RpcCall after = tail;
        while (after != null && after.deadlineNanos() - d > 0) {
            after = after.deadlinePrev;
        }
        insertAfter(after, call);
    }

    /**
     * Links again, at its old place in O(1), the call this list unlinked last (nothing linked or unlinked since);
     * any other call is linked as by {@link #add}.
     */
    public void restore(RpcCall call) {
        RpcCall prev = lastRemovedPrev;
        if (call == lastRemoved && (prev == null ? head == null || head.deadlineNanos() - call.deadlineNanos() >= 0
                : prev.deadlineList == this && (prev.deadlineNext == null
                        || prev.deadlineNext.deadlineNanos() - call.deadlineNanos() >= 0))) {
            insertAfter(prev, call);
        } else {
            add(call);
        }
    }

    private void insertAfter(RpcCall after, RpcCall call) {
        if (call.deadlineList != null) {
            throw new IllegalStateException(call.method().label() + " is already linked for its deadline");
        }
        long d = call.deadlineNanos();
        lastRemoved = null;
        lastRemovedPrev = null;
        call.deadlineList = this;
        call.deadlinePrev = after;
        if (after == null) {
            call.deadlineNext = head;
            if (head != null) {
                head.deadlinePrev = call;
            } else {
                tail = call;
            }
            head = call;
        } else {
            call.deadlineNext = after.deadlineNext;
            if (after.deadlineNext != null) {
                after.deadlineNext.deadlinePrev = call;
            } else {
                tail = call;
            }
            after.deadlineNext = call;
        }
        size++;
        if (timer == null || d - timerAt < 0) {
            arm(d);
        }
    }

    /** Unlinks a call if it is linked here; O(1). Returns whether it was. */
    public boolean remove(RpcCall call) {
        if (call.deadlineList != this) {
            return false;
        }
        RpcCall prev = call.deadlinePrev;
        RpcCall next = call.deadlineNext;
        if (prev == null) {
            head = next;
        } else {
            prev.deadlineNext = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.deadlinePrev = prev;
        }
        call.deadlineList = null;
        lastRemoved = call;
        lastRemovedPrev = prev;
        call.deadlinePrev = null;
        call.deadlineNext = null;
        size--;
        return true;
    }

    /** Calls linked now. */
    public int size() {
        return size;
    }

    private void arm(long deadline) {
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = deadline;
        try {
            timer = loop.schedule(sweepTask, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            timer = null; // the client is closing; shutting the connection down ends the calls
        }
    }

    private void sweep() {
        timer = null;
        long now = System.nanoTime();
        while (head != null && head.deadlineNanos() - now <= 0) {
            RpcCall due = head;
            remove(due);
            onExpired.accept(due);
        }
        if (head != null && timer == null) {
            arm(head.deadlineNanos());
        }
    }
}
