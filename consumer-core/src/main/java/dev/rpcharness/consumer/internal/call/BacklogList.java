package dev.rpcharness.consumer.internal.call;

/**
 * The calls one connection has taken and not yet written, in the order taken: a doubly linked list through the
 * calls themselves, so adding, taking the oldest and removing any one allocate nothing, hash nothing and take O(1).
 * A call is linked in one list at most, and knows which, so removing a call that is not here
 * (it was written, or moved on) is a no-op.
 *
 * <p>Threading: event loop of the owning connection only, like the links of the calls linked here; a call is
 * unlinked before it is handed to another connection. Lifecycle: lives as long as its connection.
 */
public final class BacklogList {

    private RpcCall head;
    private RpcCall tail;
    private int size;

    /** Appends a call, which must not be linked in any backlog. */
    public void add(RpcCall call) {
        insertBefore(null, call);
    }

    /**
     * Links a call, which must not be linked in any backlog, right before {@code next} (a call linked here), or at
     * the end when {@code next} is null.
     */
    public void insertBefore(RpcCall next, RpcCall call) {
        if (call.backlogList != null) {
            throw new IllegalStateException(call.method().label() + " is already in a connection's backlog");
        }
        RpcCall prev = next == null ? tail : next.backlogPrev;
        call.backlogList = this;
        call.backlogPrev = prev;
        call.backlogNext = next;
        if (prev == null) {
            head = call;
        } else {
            prev.backlogNext = call;
        }
        if (next == null) {
            tail = call;
        } else {
            next.backlogPrev = call;
        }
        size++;
    }

    /** The oldest call, unlinked, or null when none. */
    public RpcCall poll() {
        RpcCall call = head;
        if (call != null) {
            remove(call);
        }
        return call;
    }

    /** Unlinks a call if it is linked here; returns whether it was. */
    public boolean remove(RpcCall call) {
        if (call.backlogList != this) {
            return false;
        }
        RpcCall prev = call.backlogPrev;
        RpcCall next = call.backlogNext;
        if (prev == null) {
            head = next;
        } else {
            prev.backlogNext = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.backlogPrev = prev;
        }
        call.backlogList = null;
        call.backlogPrev = null;
        call.backlogNext = null;
        size--;
        return true;
    }

    /** The oldest call, still linked, or null when none. */
    public RpcCall first() {
        return head;
    }

    /** The call linked after {@code call} (a call linked here), or null at the end. */
    public RpcCall next(RpcCall call) {
        return call.backlogNext;
    }

    public boolean isEmpty() {
        return head == null;
    }

    public int size() {
        return size;
    }
}
