package dev.rpcharness.consumer.internal.call;

import dev.rpcharness.consumer.CallHistory;
import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.NoProviderException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.protocol.RpcError;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Future;

/**
 * One call on its way: the method, its encoded arguments and its future (its one ending), plus its two budgets:
 * the provider wait (counted from the call's start, one budget however often it waits) and the call deadline
 * (fixed when it is first handed to a connection, kept if it moves to another one).
 *
 * <p>Threading: created on the caller's thread. While it waits for a provider its mutable fields belong to the
 * balancer's wait queue (under its lock); once handed to a connection, to that connection's event loop. The future
 * may be ended from any thread (cancel, client close); every owner checks {@link RpcFuture#isDone()} before use.
 *
 * <p>A call whose method has a policy of more than one attempt is never sent itself: each attempt is an RpcCall of
 * its own ({@link #attemptOf}), with its number, its deadline fixed in advance, and the connection holding it
 * ({@link #holder()}), so that it can be cancelled when another attempt answers (docs/call-policies.md).
 *
 * <p>The factory methods for failures build the messages every error carries: interface#method, provider
 * address and time spent.
 */
public final class RpcCall {

    private static final VarHandle DEADLINE_NANOS;
    private static final VarHandle PROVIDER_ADDRESS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            DEADLINE_NANOS = lookup.findVarHandle(RpcCall.class, "deadlineNanos", long.class);
            PROVIDER_ADDRESS = lookup.findVarHandle(RpcCall.class, "providerAddress", String.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MethodMetadata method;
    private final byte[] arguments;
    private final RpcFuture future;
    /** The call's budgets: the client's shared ones for a plain call. */
    private final CallLimits limits;
    /**
     * Read as volatile from any thread; written by the connection's event loop per call with a release store (no
     * fence: a reader sees it with everything written before it, and the event loop reads its own writes).
     */
    private volatile long deadlineNanos;
    private int dispatchAttempts;
    /** As {@link #deadlineNanos}: volatile reads, a release store when written. */
    private volatile String providerAddress;
    private volatile Future<?> waitTimer;
    /** Links of the connection's {@link DeadlineList} while the call is linked there; its event loop only. */
    DeadlineList deadlineList;
    RpcCall deadlinePrev;
    RpcCall deadlineNext;
    /** Its index in the list's heap while linked there (out of deadline order), else -1. */
    int deadlineHeapIndex = -1;
    /** Links of the connection's {@link BacklogList} while it waits there unsent; its event loop only. */
    BacklogList backlogList;
    RpcCall backlogPrev;
    RpcCall backlogNext;
    private long requestId;
    private long seq;
    private CallHistory history;
    /**
     * What makes this call an attempt of a call with a policy; null for a plain call. Kept apart so that a plain
     * call, by far the most common, carries one null reference instead of the three fields (the heap of a million
     * calls in flight counts every 8 bytes of this object).
     */
    private AttemptOf policyAttempt;
    /** The provider's pushback: {@link #NO_PUSHBACK}, {@link #STOP} or milliseconds (at most 9 digits). */
    private int pushbackMillis = (int) NO_PUSHBACK;

    /** An attempt's number and call, and where it waits or is in flight. */
    private static final class AttemptOf {
        /** The attempt's number, from 1 (its attempt header). */
        final int number;
        /** The call this one is an attempt of. */
        final RpcCall parent;
        /** Where the attempt waits or is in flight; set by the connection that takes it. */
        volatile CallHolder holder;

        AttemptOf(int number, RpcCall parent) {
            this.number = number;
            this.parent = parent;
        }
    }

    /** {@link #pushbackMillis()} when the answer carried no pushback. */
    public static final long NO_PUSHBACK = -2;
    /** {@link #pushbackMillis()} when the provider asked for no retry. */
    public static final long STOP = -1;

    /**
     * @param providerWaitNanos how long, from the call's start, it may wait for a provider in all
     * @param callTimeoutNanos  how long it may take from the moment it is first handed to a connection
     */
    public RpcCall(MethodMetadata method, byte[] arguments, RpcFuture future, long providerWaitNanos,
                   long callTimeoutNanos) {
        this(method, arguments, future, new CallLimits(providerWaitNanos, callTimeoutNanos));
    }

    /** A call with {@code limits}, typically the client's one instance its plain calls share. */
    public RpcCall(MethodMetadata method, byte[] arguments, RpcFuture future, CallLimits limits) {
        this.method = method;
        this.arguments = arguments;
        this.future = future;
        this.limits = limits;
    }

    /**
     * Attempt number {@code attempt} of {@code parent} (a call with a policy), ending through {@code future}, with
     * its deadline already fixed at {@code deadlineNanos} (the call's one deadline, or earlier) and its provider
     * wait ending at {@code waitDeadlineNanos}. Its writes are recorded in the parent's call history under the
     * parent's number and its own attempt number.
     */
    public static RpcCall attemptOf(RpcCall parent, RpcFuture future, int attempt, long deadlineNanos,
                                    long waitDeadlineNanos) {
        long now = System.nanoTime();
        RpcCall call = new RpcCall(parent.method, parent.arguments, future,
                Math.max(0, Math.min(waitDeadlineNanos, deadlineNanos) - future.startNanos()),
                Math.max(1, deadlineNanos - now));
        call.deadlineNanos = deadlineNanos;
        call.policyAttempt = new AttemptOf(attempt, parent);
        call.history = parent.history;
        call.seq = parent.seq;
        return call;
    }

    /**
     * Whether this is an attempt whose call has already ended (another attempt answered it, its deadline came, its
     * caller cancelled). Its own future may not be done yet: the call cancels its running attempts from a callback,
     * so a connection about to write one asks this first. Any thread.
     */
    public boolean callAlreadyEnded() {
        AttemptOf a = policyAttempt;
        return a != null && a.parent.future.isDone();
    }

    /** The attempt's number (from 1) for an attempt of a call with a policy; 0 for a plain call. */
    public int attempt() {
        AttemptOf a = policyAttempt;
        return a == null ? 0 : a.number;
    }

    /** The connection an attempt was handed to last (set by it); null for plain calls and before. */
    public CallHolder holder() {
        AttemptOf a = policyAttempt;
        return a == null ? null : a.holder;
    }

    public void heldBy(CallHolder by) {
        AttemptOf a = policyAttempt;
        if (a == null) {
            throw new IllegalStateException(this + " is not an attempt: only attempts are held");
        }
        a.holder = by;
    }

    /**
     * Records the answer's {@code X-Rpc-Pushback} header (docs/call-policies.md): a decimal number of milliseconds
     * to wait before a retry, anything else (such as {@code stop}) no retry. On the connection's event loop, before
     * the call ends; read after its end.
     */
    public void pushback(String header) {
        String value = header.trim();
        int millis = (int) STOP;
        if (!value.isEmpty() && value.length() <= 9 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            millis = Integer.parseInt(value);
        }
        this.pushbackMillis = millis;
    }

    /** The provider's pushback: {@link #NO_PUSHBACK}, {@link #STOP} or milliseconds to wait before a retry. */
    public long pushbackMillis() {
        return pushbackMillis;
    }

    /** Whether the call was handed to a channel for writing: it may have reached that provider. */
    public boolean written() {
        return providerAddress != null;
    }

    /** {@link System#nanoTime()} when the provider wait budget ends (one budget for every wait of this call). */
    public long waitDeadlineNanos() {
        return future.startNanos() + limits.providerWaitNanos();
    }

    /** Fixes the call deadline if it is not fixed yet, and returns it. Called when a connection takes the call. */
    public long startDeadline() {
        return startDeadline(System.nanoTime());
    }

    /**
     * As {@link #startDeadline()}, counting from {@code nowNanos}, a {@link System#nanoTime()} reading the caller
     * just took (one for a batch of calls taken together).
     */
    public long startDeadline(long nowNanos) {
        long d = deadlineNanos;
        if (d == 0) {
            d = nowNanos + limits.callTimeoutNanos();
            DEADLINE_NANOS.setRelease(this, d);
        }
        return d;
    }

    /** {@link System#nanoTime()} of the call deadline, 0 before it is fixed. */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** Nanoseconds left until the call deadline (may be negative); the full timeout before it is fixed. */
    public long remainingNanos() {
        return remainingNanos(System.nanoTime());
    }

    /** As {@link #remainingNanos()}, at {@code nowNanos}, a {@link System#nanoTime()} reading just taken. */
    public long remainingNanos(long nowNanos) {
        long d = deadlineNanos;
        return d == 0 ? limits.callTimeoutNanos() : d - nowNanos;
    }

    public long callTimeoutMillis() {
        return limits.callTimeoutNanos() / 1_000_000L;
    }

    /** The request id on the connection it was written to; event loop of that connection only. */
    public long requestId() {
        return requestId;
    }

    public void requestId(long id) {
        this.requestId = id;
    }

    public MethodMetadata method() {
        return method;
    }

    public byte[] arguments() {
        return arguments;
    }

    public RpcFuture future() {
        return future;
    }

    public String serviceName() {
        return method.serviceName();
    }

    /** Counts a (re)dispatch and returns how many there were, this one included. */
    public int countDispatch() {
        return ++dispatchAttempts;
    }

    /** Records the call in {@code history} under number {@code seq} (its start is already reported). */
    public void recordIn(CallHistory history, long seq) {
        this.history = history;
        this.seq = seq;
    }

    /** The call's number in its client's history; 0 when the client records none. */
    public long seq() {
        return seq;
    }

    /** The history the call is recorded in, or null when its client records none. */
    public CallHistory history() {
        return history;
    }

    public void sentTo(String address) {
        sentTo(address, 0);
    }

    /**
     * The call is being written to {@code address} on the connection whose local port is {@code localPort}, under
     * its {@link #requestId()}. Event loop of that connection.
     */
    public void sentTo(String address, int localPort) {
        PROVIDER_ADDRESS.setRelease(this, address);
        future.providerAddress(address);
        CallHistory h = history;
        if (h != null) {
            int attempt = attempt();
            if (attempt > 0) {
                h.written(seq, attempt, address, localPort, requestId, System.nanoTime());
            } else {
                h.written(seq, address, localPort, requestId, System.nanoTime());
            }
        }
    }

    /** The timer that ends the wait for a provider; set and cancelled by the balancer's wait queue. */
    public void waitTimer(Future<?> timer) {
        this.waitTimer = timer;
    }

    public void cancelWaitTimer() {
        Future<?> t = waitTimer;
        if (t != null) {
            waitTimer = null;
            t.cancel(false);
        }
    }

    /**
     * Stops watching the call's deadline on the connection that holds it (unlinks it from that connection's
     * {@link DeadlineList}); a no-op when it is not linked. On that connection's event loop only.
     */
    public void cancelDeadline() {
        DeadlineList list = deadlineList;
        if (list != null) {
            list.remove(this);
        }
    }

    public long elapsedMillis() {
        return (System.nanoTime() - future.startNanos()) / 1_000_000L;
    }

    private String where() {
        return method.label() + (providerAddress == null ? "" : " on " + providerAddress);
    }

    public RpcTimeoutException timedOut(long timeoutMillis) {
        return new RpcTimeoutException(where() + " timed out after " + timeoutMillis + " ms (call took "
                + elapsedMillis() + " ms in all)");
    }

    public ConnectionLostException connectionLost(String why) {
        return ConnectionLostException.withoutStackTrace(where() + ": connection lost with the call in flight (" + why
                + ") after " + elapsedMillis() + " ms");
    }

    public RpcProtocolException protocolError(String why) {
        return new RpcProtocolException(where() + ": protocol error: " + why + " after " + elapsedMillis() + " ms");
    }

    public RemoteInvocationException remoteError(RpcError error) {
        return new RemoteInvocationException(where() + " threw " + error.type() + ": " + error.message()
                + " after " + elapsedMillis() + " ms", error.type(), error.message());
    }

    public ClientClosedException clientClosed() {
        return ClientClosedException.withoutStackTrace(where() + ": client closed after " + elapsedMillis() + " ms");
    }

    public NoProviderException noProvider(long waitedMillis) {
        return new NoProviderException("no provider available for " + method.label() + ": none serving "
                + method.serviceName() + " was connected within " + waitedMillis + " ms");
    }
}
