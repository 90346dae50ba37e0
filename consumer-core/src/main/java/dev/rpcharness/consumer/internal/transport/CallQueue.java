package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.internal.call.BacklogList;
import dev.rpcharness.consumer.internal.call.DeadlineList;
import dev.rpcharness.consumer.internal.call.RpcCall;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.Predicate;

/**
 * The calls one connection has taken and not yet written: a lock-free inbox that any thread offers to, and the
 * backlog on the event loop, in arrival order (a {@link BacklogList} linked through the calls: no entry, no hash, no
 * iterator per call), each call's deadline watched by the connection's
 * {@link DeadlineList} (one timer per connection, not one per call). A call leaves the backlog
 * when it is written, moved to another connection, or ends at its deadline (O(1) removal); it is never written
 * after it ended.
 *
 * <p>Threading: {@link #offer} from any thread; everything else on the connection's event loop.
 */
final class CallQueue {

    private final Queue<RpcCall> inbox = PlatformDependent.newMpscQueue();
    private final BacklogList backlog = new BacklogList();
    private final DeadlineList deadlines;

    /**
     * @param deadlines the connection's deadline list: it tells the connection, on its event loop, when a taken
     *                  call's deadline passes (whether or not it was written)
     */
    CallQueue(DeadlineList deadlines) {
        this.deadlines = deadlines;
    }

    /** Adds a call to the inbox. Any thread. */
    void offer(RpcCall call) {
        inbox.offer(call);
    }

    /** Empties the inbox only, for a client whose event loops are gone. Any thread. */
    List<RpcCall> pollInbox() {
        List<RpcCall> out = new ArrayList<>();
        RpcCall call;
        while ((call = inbox.poll()) != null) {
            out.add(call);
        }
        return out;
    }

    /**
     * Moves the inbox into the backlog, fixing and starting each call's deadline from {@code nowNanos} (one
     * {@link System#nanoTime()} reading for all of them); skips calls that ended.
     */
    void admit(long nowNanos) {
        RpcCall call;
        while ((call = inbox.poll()) != null) {
            if (!call.future().isDone()) {
                call.startDeadline(nowNanos);
                backlog.add(call);
                deadlines.add(call);
            }
        }
    }

    boolean isEmpty() {
        return backlog.isEmpty();
    }

    int size() {
        return backlog.size();
    }

    /** The oldest call of the backlog, removed (its deadline keeps running), or null. */
    RpcCall poll() {
        return backlog.poll();
    }

    /** Removes a call from the backlog; true if it was there (it was never written). */
    boolean remove(RpcCall call) {
        return backlog.remove(call);
    }

    /** Everything taken or offered and not written, removed, deadlines cancelled. */
    List<RpcCall> takeAll() {
        List<RpcCall> all = new ArrayList<>(backlog.size());
        RpcCall taken;
        while ((taken = backlog.poll()) != null) {
            all.add(taken);
        }
        all.addAll(pollInbox());
        for (RpcCall call : all) {
            call.cancelDeadline();
        }
        return all;
    }

    /**
     * Offers backlog calls, oldest first, to {@code elsewhere} (another connection), at most {@code max} of them; a
     * call it takes leaves with its deadline cancelled here (the new connection restarts it for the time left), the
     * others stay. Returns true when it stopped at {@code max} with calls not yet offered.
     */
    boolean moveTo(Predicate<RpcCall> elsewhere, int max) {
        int offered = 0;
        RpcCall call = backlog.first();
        while (call != null) {
            if (offered == max) {
                return true;
            }
            RpcCall next = backlog.next(call);
            call.cancelDeadline();
            // Unlinked before it is offered: the connection that takes it links it on its own event loop.
            backlog.remove(call);
            if (!call.future().isDone()) {
                offered++;
                if (!elsewhere.test(call)) {
                    backlog.insertBefore(next, call);
                    deadlines.restore(call); // nowhere better: it stays, in its place, for the time it has left
                }
            }
            call = next;
        }
        return false;
    }
}
