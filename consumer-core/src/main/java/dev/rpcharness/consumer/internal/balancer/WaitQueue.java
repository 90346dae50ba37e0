package dev.rpcharness.consumer.internal.balancer;

import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.transport.ProviderConnection;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one wait-for-ready queue of a client, shared by synchronous and asynchronous calls: a call that finds no
 * usable provider waits here until a routing change gives it one ({@link #wake}) or its provider wait budget ends
 * (one budget per call, counted from its start however often it waits). Insertion order is kept; removal of one
 * call is O(1).
 *
 * <p>Threading: thread-safe (one lock). Calls are sent and failed outside the lock.
 */
final class WaitQueue {

    private final LinkedHashSet<RpcCall> parked = new LinkedHashSet<>();
    private final EventLoop timers;
    private final long providerWaitMillis;
    private boolean closed;

    WaitQueue(EventLoop timers, long providerWaitMillis) {
        this.timers = timers;
        this.providerWaitMillis = providerWaitMillis;
    }

    /**
     * Parks a call, then checks {@code picker} once more for this call, so a routing change between the caller's
     * failed pick and the park is not missed. O(1) apart from the pick.
     */
    void park(RpcCall call, Supplier<Picker> picker) {
        long remaining = call.waitDeadlineNanos() - System.nanoTime();
        if (remaining <= 0) {
            call.future().fail(call.noProvider(providerWaitMillis));
            return;
        }
        ProviderConnection now;
        synchronized (this) {
            if (closed) {
                call.future().fail(call.clientClosed());
                return;
            }
            if (call.future().isDone()) {
                return;
            }
            now = picker.get().pick(call.serviceName());
            if (now == null) {
                parked.add(call);
                try {
                    call.waitTimer(timers.schedule(() -> expire(call), remaining, TimeUnit.NANOSECONDS));
                } catch (RejectedExecutionException shutDown) {
                    parked.remove(call);
                    call.future().fail(call.clientClosed());
                }
                return;
            }
        }
        now.send(call);
    }

    private void expire(RpcCall call) {
        boolean removed;
        synchronized (this) {
            removed = parked.remove(call);
        }
        if (removed) {
            call.future().fail(call.noProvider(providerWaitMillis));
        }
    }

    /** Removes a call that ended elsewhere (cancelled, interrupted caller). O(1). */
    void remove(RpcCall call) {
        boolean removed;
        synchronized (this) {
            removed = parked.remove(call);
        }
        if (removed) {
            call.cancelWaitTimer();
        }
    }

    /** Sends every parked call that {@code picker} now has a connection for. Called on every routing change. */
    void wake(Picker picker) {
        List<RpcCall> go = new ArrayList<>();
        List<ProviderConnection> to = new ArrayList<>();
        synchronized (this) {
            if (parked.isEmpty()) {
                return;
            }
            for (Iterator<RpcCall> it = parked.iterator(); it.hasNext(); ) {
                RpcCall call = it.next();
                if (call.future().isDone()) {
                    it.remove();
                    call.cancelWaitTimer();
                    continue;
                }
                ProviderConnection c = picker.pick(call.serviceName());
                if (c != null) {
                    it.remove();
                    call.cancelWaitTimer();
                    go.add(call);
                    to.add(c);
                }
            }
        }
        for (int i = 0; i < go.size(); i++) {
            to.get(i).send(go.get(i));
        }
    }

    /** Parked calls now. */
    synchronized int size() {
        return parked.size();
    }

    /** Fails every parked call with a client-closed error; later parks fail at once. */
    void close() {
        List<RpcCall> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(parked);
            parked.clear();
        }
        for (RpcCall call : left) {
            call.cancelWaitTimer();
            call.future().fail(call.clientClosed());
        }
    }
}
