package dev.rpcharness.consumer.internal.call;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The call deadlines of one connection, and one timer set for the earliest. Calls taken with their whole timeout
 * left arrive in deadline order: they are appended to an intrusive list through the calls themselves (adding and
 * removing allocate nothing and take O(1)). A call whose deadline is earlier than the list's last (it moved here
 * from another connection and keeps its deadline) goes into a binary heap instead (O(log n), never a walk over
 * the calls linked here: a walk per moved call was quadratic in the calls in flight). When the timer fires, every
 * call whose deadline has passed is unlinked, the earliest first from either, and handed to the expiry action;
 * then the timer is set for the next deadline. Removing a call never touches the timer: a timer that finds nothing
 * due sets itself for the new first deadline. So a connection busy with short calls keeps one timer that fires
 * about once per call timeout, instead of one scheduled task per call.
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
    /** Calls linked out of order, a binary min-heap on the deadline; each knows its index. */
    private RpcCall[] heap = new RpcCall[16];
    private int heapSize;
    private int size;
    /** Links followed and heap levels moved while linking, for tests of the cost (no walk over the list). */
    long steps;
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
        checkUnlinked(call);
        if (tail == null || call.deadlineNanos() - tail.deadlineNanos() >= 0) {
            insertAfter(tail, call);
        } else {
            heapAdd(call);
        }
    }

    /**
     * Links again, at its old place in O(1), the call this list unlinked last (nothing linked or unlinked since);
     * any other call is linked as by {@link #add}.
     */
    public void restore(RpcCall call) {
        RpcCall prev = lastRemovedPrev;
        if (call == lastRemoved && (prev == null ? head == null || head.deadlineNanos() - call.deadlineNanos() >= 0
                : prev.deadlineList == this && prev.deadlineHeapIndex < 0 && (prev.deadlineNext == null
                        || prev.deadlineNext.deadlineNanos() - call.deadlineNanos() >= 0))) {
            checkUnlinked(call);
            insertAfter(prev, call);
        } else {
            add(call);
        }
    }

    private void checkUnlinked(RpcCall call) {
        if (call.deadlineList != null) {
            throw new IllegalStateException(call.method().label() + " is already linked for its deadline");
        }
    }

    private void insertAfter(RpcCall after, RpcCall call) {
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

    /** Unlinks a call if it is linked here; O(1) from the list, O(log n) from the heap. Returns whether it was. */
    public boolean remove(RpcCall call) {
        if (call.deadlineList != this) {
            return false;
        }
        if (call.deadlineHeapIndex >= 0) {
            heapRemove(call);
            lastRemoved = null;
            lastRemovedPrev = null;
            return true;
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

    private void heapAdd(RpcCall call) {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        lastRemoved = null;
        lastRemovedPrev = null;
        call.deadlineList = this;
        siftUp(heapSize++, call);
        size++;
        long d = call.deadlineNanos();
        if (timer == null || d - timerAt < 0) {
            arm(d);
        }
    }

    private void heapRemove(RpcCall call) {
        int i = call.deadlineHeapIndex;
        call.deadlineHeapIndex = -1;
        call.deadlineList = null;
        size--;
        RpcCall last = heap[--heapSize];
        heap[heapSize] = null;
        if (last != call) {
            if (i > 0 && last.deadlineNanos() - heap[(i - 1) >>> 1].deadlineNanos() < 0) {
                siftUp(i, last);
            } else {
                siftDown(i, last);
            }
        }
        if (heapSize == 0 && heap.length > 1024) {
            heap = new RpcCall[16]; // a burst of moved calls does not keep its array
        }
    }

    private void siftUp(int i, RpcCall call) {
        long d = call.deadlineNanos();
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            RpcCall p = heap[parent];
            if (d - p.deadlineNanos() >= 0) {
                break;
            }
            heap[i] = p;
            p.deadlineHeapIndex = i;
            i = parent;
            steps++;
        }
        heap[i] = call;
        call.deadlineHeapIndex = i;
    }

    private void siftDown(int i, RpcCall call) {
        long d = call.deadlineNanos();
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            RpcCall c = heap[child];
            int right = child + 1;
            if (right < heapSize && heap[right].deadlineNanos() - c.deadlineNanos() < 0) {
                child = right;
                c = heap[child];
            }
            if (d - c.deadlineNanos() <= 0) {
                break;
            }
            heap[i] = c;
            c.deadlineHeapIndex = i;
            i = child;
            steps++;
        }
        heap[i] = call;
        call.deadlineHeapIndex = i;
    }

    /** The linked call with the earliest deadline, from the list's head or the heap's top; null when none. */
    private RpcCall earliest() {
        RpcCall top = heapSize > 0 ? heap[0] : null;
        if (head == null) {
            return top;
        }
        return top != null && top.deadlineNanos() - head.deadlineNanos() < 0 ? top : head;
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
        RpcCall due;
        while ((due = earliest()) != null && due.deadlineNanos() - now <= 0) {
            remove(due);
            onExpired.accept(due);
        }
        RpcCall next = earliest();
        if (next != null && timer == null) {
            arm(next.deadlineNanos());
        }
    }
}
