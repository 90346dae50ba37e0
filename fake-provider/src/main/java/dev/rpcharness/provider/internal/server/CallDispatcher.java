package dev.rpcharness.provider.internal.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.rpcharness.protocol.RpcError;
import dev.rpcharness.protocol.RpcResponse;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultDecider;
import dev.rpcharness.provider.fault.FaultDecision;
import dev.rpcharness.provider.fault.FaultKind;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to each call: asks the installed {@link FaultDecider}, runs the implementation when the
 * answer needs it, and hands the answer to the connection at the call's deadline (receipt + injected delay, kept
 * by the event loop's scheduler), so one slow call never delays the others. Implementations run on the worker pool
 * (the default), so one that blocks holds a worker and never the I/O thread, or on the connection's event loop
 * when the provider opted in ({@code ImplementationThreads.IO_THREAD}).
 * Thread-safe; {@link #dispatch} runs on the connection's event loop.
 */
final class CallDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(CallDispatcher.class);

    /**
     * One decoded call.
     *
     * @param requestId         the id to echo
     * @param previousRequestId the id of the call received before it on the same connection, or null
     * @param decoded           the call, bound to its method
     * @param receivedNanos     {@link System#nanoTime} at receipt
     * @param keepAlive         false when the request asked to close the connection after its answer
     * @param budgetNanos       the caller's budget from {@code X-Rpc-Timeout-Ms}, 0 when it sent none
     * @param callSeq           the consumer's call-sequence number from {@code X-Rpc-Call-Seq}, 0 when it sent none
     * @param clientId          the consumer's id from {@code X-Rpc-Client-Id}, null when it sent none
     * @param deadlineMillis    the caller's deadline from {@code X-Rpc-Deadline-Ms} (wall-clock epoch millis), 0 when
     *                          it sent none
     */
    record Call(String requestId, String previousRequestId, DecodedCall decoded, long receivedNanos,
                boolean keepAlive, long budgetNanos, long callSeq, String clientId, long deadlineMillis) {
        /** The method name the caller sent (fault rules match it). */
        String method() {
            return decoded.methodName;
        }

        /** The name statistics count the call under: a served method's name, or the one unknown key. */
        String statsKey() {
            return decoded.statsKey();
        }

        String label() {
            return decoded.label();
        }

        /** Whether the caller's budget ran out before {@code nowNanos}: the caller has given up. */
        boolean expiredAt(long nowNanos) {
            return budgetNanos > 0 && nowNanos - receivedNanos > budgetNanos || deadlinePassed();
        }

        /** Whether the caller's deadline has passed by this provider's wall clock: it has given up on the call. */
        boolean deadlinePassed() {
            return deadlineMillis > 0 && System.currentTimeMillis() > deadlineMillis;
        }
    }

    private final ServiceTable services;
    private final CallCounters stats;
    private final ObjectMapper mapper;
    private final ObjectWriter responseWriter;
    private final Executor workers;
    private final boolean onIoThread;
    private final Supplier<String> providerName;
    private final CallDecoder decoder;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object drainLock = new Object();
    /**
     * Threads in {@link #awaitQuiet}: {@link #finished} takes the lock to wake them only when there are any (with
     * calls answered on the I/O thread, the count of calls in flight falls to zero after nearly every call).
     */
    private final AtomicInteger drainWaiters = new AtomicInteger();
    private volatile FaultDecider decider;
    private volatile CallCounters.Method unknownCounters;
    private volatile long lastReceivedNanos = System.nanoTime();
    private final ExecutionLog executed;

    /**
     * @param workers    the worker pool implementations run on (unless {@code onIoThread})
     * @param onIoThread whether implementations run on the connection's I/O thread (the provider's opt-in)
     */
    CallDispatcher(ServiceTable services, CallCounters stats, ObjectMapper mapper, Executor workers,
                   boolean onIoThread, Supplier<String> providerName, FaultDecider decider, ExecutionLog executed) {
        this.executed = Objects.requireNonNull(executed);
        this.services = services;
        this.stats = stats;
        this.mapper = mapper;
        this.responseWriter = mapper.writerFor(RpcResponse.class);
        this.workers = workers;
        this.onIoThread = onIoThread;
        this.providerName = providerName;
        // Arguments bind with a copy of the mapper that resolves no class named in a payload.
        this.decoder = new CallDecoder(services, mapper.copy().setPolymorphicTypeValidator(new DeclaredTypesOnly()),
                providerName);
        this.decider = Objects.requireNonNull(decider);
    }

    CallDecoder decoder() {
        return decoder;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    String providerName() {
        return providerName.get();
    }

    CallCounters stats() {
        return stats;
    }

    void decider(FaultDecider decider) {
        this.decider = Objects.requireNonNull(decider);
    }

    FaultDecider decider() {
        return decider;
    }

    /** Calls received and not yet answered, faulted or dropped. */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits until no call is in flight and none has arrived for {@code quietNanos}, or until
     * {@code deadlineNanos} (a {@link System#nanoTime} value); returns whether it got quiet.
     */
    boolean awaitQuiet(long quietNanos, long deadlineNanos) throws InterruptedException {
        drainWaiters.incrementAndGet(); // before reading the count: a call finishing after the read sees the waiter
        try {
            return awaitQuietWaiting(quietNanos, deadlineNanos);
        } finally {
            drainWaiters.decrementAndGet();
        }
    }

    private boolean awaitQuietWaiting(long quietNanos, long deadlineNanos) throws InterruptedException {
        synchronized (drainLock) {
            while (true) {
                long now = System.nanoTime();
                long quietLeft = quietNanos - (now - lastReceivedNanos);
                if (inFlight.get() == 0 && quietLeft <= 0) {
                    return true;
                }
                long left = deadlineNanos - now;
                if (left <= 0) {
                    return false;
                }
                long waitNanos = inFlight.get() > 0 ? left : Math.min(left, quietLeft);
                drainLock.wait(Math.max(1L, waitNanos / 1_000_000L));
            }
        }
    }

    /** Marks a call finished (answered, faulted or dropped). */
    void finished() {
        if (inFlight.decrementAndGet() == 0 && drainWaiters.get() > 0) {
            synchronized (drainLock) {
                drainLock.notifyAll();
            }
        }
    }

    /** Handles one call; on the connection's event loop. */
    void dispatch(ServerConnection connection, Call call) {
        CallCounters.Method counters = counters(call.decoded());
        lastReceivedNanos = call.receivedNanos();
        stats.recordReceived(counters);
        inFlight.incrementAndGet();
        if (call.deadlinePassed()) {
            // Read after its caller gave up (it waited in a frozen provider's socket): never run it.
            drop(connection, call);
            return;
        }
        FaultDecider current = decider;
        FaultDecision decision = current.decide(call.method(), call.clientId(), call.callSeq());
        if (decision.latency() != null) {
            stats.recordFault(counters, decision.latency().kind());
        }
        Fault fault = decision.answer();
        if (fault != null) {
            stats.recordFault(counters, fault.kind());
        }
        long delay = decision.delayNanos();
        FaultWriter writer = new FaultWriter(this, call, fault, current, counters);
        if (fault != null && fault.kind() == FaultKind.HANG) {
            LOG.debug("{} hangs {} id {}", providerName(), call.label(), call.requestId());
            finished();
            return;
        }
        if (fault != null && !FaultWriter.needsOutcome(fault)) {
            connection.after(call.receivedNanos(), delay, writer.withOutcome(null));
            return;
        }
        DecodedCall decoded = call.decoded();
        ServiceTable.Target target;
        try {
            if (decoded.unknownTarget != null) {
                throw decoded.unknownTarget;
            }
            target = services.target(decoded.binding, providerName);
        } catch (ServiceTable.UnknownTargetException e) {
            connection.after(call.receivedNanos(), delay, writer.withOutcome(
                    RpcResponse.failure(call.requestId(), new RpcError(e.remoteType(), e.getMessage()))));
            return;
        }
        if (onIoThread) {
            executed.executed(call.clientId(), connection.remotePort(), call.requestId());
            connection.after(call.receivedNanos(), delay, writer.withOutcome(invoke(call, target)));
            return;
        }
        try {
            workers.execute(() -> {
                if (call.expiredAt(System.nanoTime())) {
                    // Queued behind slower work until the caller gave up: drop it rather than add to a backlog.
                    drop(connection, call);
                    return;
                }
                executed.executed(call.clientId(), connection.remotePort(), call.requestId());
                connection.after(call.receivedNanos(), delay, writer.withOutcome(invoke(call, target)));
            });
        } catch (RejectedExecutionException e) {
            // The provider is closing: nobody will answer this call.
            finished();
        }
    }

    /** Drops a call whose caller has given up, unrun and unanswered; counted and logged as expired. */
    private void drop(ServerConnection connection, Call call) {
        stats.recordExpired();
        executed.expired(call.clientId(), connection.remotePort(), call.requestId());
        LOG.debug("{} drops {} id {}: the caller's budget is spent", providerName(), call.label(), call.requestId());
        finished();
    }

    /** The statistics of the call's method, looked up once per method (unknown methods share one key). */
    private CallCounters.Method counters(DecodedCall decoded) {
        ServiceTable.Binding b = decoded.binding;
        if (b == null) {
            CallCounters.Method u = unknownCounters;
            return u != null ? u : (unknownCounters = stats.counters(CallCounters.UNKNOWN_METHOD));
        }
        CallCounters.Method c = b.counters;
        return c != null ? c : (b.counters = stats.counters(b.method.getName()));
    }

    private RpcResponse invoke(Call call, ServiceTable.Target target) {
        try {
            DecodedCall decoded = call.decoded();
            if (decoded.argumentError != null) {
                throw decoded.argumentError;
            }
            Object result = ServiceTable.invoke(target, decoded.args);
            return RpcResponse.success(call.requestId(), result);
        } catch (Throwable t) {
            if (t instanceof Error && !(t instanceof AssertionError)) {
                LOG.warn("{}: {} threw {}", providerName(), call.label(), t.toString());
            }
            return RpcResponse.failure(call.requestId(), RpcError.of(t));
        }
    }

    /** Encodes an answer with the given id (faults re-encode with another id). */
    byte[] encode(RpcResponse outcome, String requestId) {
        if (!outcome.failed()) {
            byte[] plain = PlainAnswerBody.of(requestId, outcome.result());
            if (plain != null) {
                return plain;
            }
        }
        RpcResponse r = Objects.equals(requestId, outcome.requestId()) ? outcome
                : outcome.failed() ? RpcResponse.failure(requestId, outcome.error())
                : RpcResponse.success(requestId, outcome.result());
        try {
            return responseWriter.writeValueAsBytes(r);
        } catch (Exception e) {
            RpcError error = new RpcError("com.fasterxml.jackson.databind.JsonMappingException",
                    "provider " + providerName() + " cannot encode the result: " + e.getMessage());
            try {
                return mapper.writeValueAsBytes(RpcResponse.failure(requestId, error));
            } catch (Exception again) {
                throw new IllegalStateException(again);
            }
        }
    }
}
