package dev.rpcharness.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcError;
import dev.rpcharness.protocol.RpcRequest;
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
 * Decides what happens to each call: asks the installed {@link FaultDecider}, runs the implementation on the
 * worker executor when the answer needs it, and hands the answer to the connection at the call's deadline
 * (receipt + injected delay), so one slow call never delays the others. Thread-safe; {@link #dispatch} runs on
 * the connection's event loop.
 */
final class CallDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(CallDispatcher.class);

    /**
     * One decoded call.
     *
     * @param requestId         the id to echo
     * @param previousRequestId the id of the call received before it on the same connection, or null
     * @param request           the call
     * @param receivedNanos     {@link System#nanoTime} at receipt
     * @param keepAlive         false when the request asked to close the connection after its answer
     * @param budgetNanos       the caller's budget from {@code X-Rpc-Timeout-Ms}, 0 when it sent none
     */
    record Call(String requestId, String previousRequestId, RpcRequest request, long receivedNanos,
                boolean keepAlive, long budgetNanos) {
        String method() {
            return request.methodName();
        }

        /** Whether the caller's budget ran out before {@code nowNanos}: the caller has given up. */
        boolean expiredAt(long nowNanos) {
            return budgetNanos > 0 && nowNanos - receivedNanos > budgetNanos;
        }
    }

    private final ServiceTable services;
    private final ProviderStats stats;
    private final ObjectMapper mapper;
    private final Executor workers;
    private final Supplier<String> providerName;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object drainLock = new Object();
    private volatile FaultDecider decider;
    private volatile long lastReceivedNanos = System.nanoTime();
    private final ExecutedCalls executed;

    CallDispatcher(ServiceTable services, ProviderStats stats, ObjectMapper mapper, Executor workers,
                   Supplier<String> providerName, FaultDecider decider, ExecutedCalls executed) {
        this.executed = Objects.requireNonNull(executed);
        this.services = services;
        this.stats = stats;
        this.mapper = mapper;
        this.workers = workers;
        this.providerName = providerName;
        this.decider = Objects.requireNonNull(decider);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    String providerName() {
        return providerName.get();
    }

    ProviderStats stats() {
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
        if (inFlight.decrementAndGet() == 0) {
            synchronized (drainLock) {
                drainLock.notifyAll();
            }
        }
    }

    /** Handles one call; on the connection's event loop. */
    void dispatch(ServerConnection connection, Call call) {
        String method = call.method();
        lastReceivedNanos = call.receivedNanos();
        stats.recordReceived(method);
        inFlight.incrementAndGet();
        FaultDecider current = decider;
        FaultDecision decision = current.decide(method);
        if (decision.latency() != null) {
            stats.recordFault(method, decision.latency().kind());
        }
        Fault fault = decision.answer();
        if (fault != null) {
            stats.recordFault(method, fault.kind());
        }
        long deadline = call.receivedNanos() + decision.delayNanos();
        FaultWriter writer = new FaultWriter(this, call, fault, current);
        if (fault != null && fault.kind() == FaultKind.HANG) {
            LOG.debug("{} hangs {} id {}", providerName(), call.request().label(), call.requestId());
            finished();
            return;
        }
        if (fault != null && !FaultWriter.needsOutcome(fault)) {
            connection.at(deadline, writer.withOutcome(null));
            return;
        }
        ServiceTable.Target target;
        try {
            target = services.resolve(call.request(), providerName());
        } catch (ServiceTable.UnknownTargetException e) {
            connection.at(deadline, writer.withOutcome(
                    RpcResponse.failure(call.requestId(), new RpcError(e.remoteType(), e.getMessage()))));
            return;
        }
        try {
            workers.execute(() -> {
                if (call.expiredAt(System.nanoTime())) {
                    // Queued behind slower work until the caller gave up: drop it rather than add to a backlog.
                    stats.recordExpired(method);
                    LOG.debug("{} drops {} id {}: the caller's budget is spent", providerName(),
                            call.request().label(), call.requestId());
                    finished();
                    return;
                }
                executed.record(connection.remotePort(), call.requestId());
                connection.at(deadline, writer.withOutcome(invoke(call, target)));
            });
        } catch (RejectedExecutionException e) {
            // The provider is closing: nobody will answer this call.
            finished();
        }
    }

    private RpcResponse invoke(Call call, ServiceTable.Target target) {
        try {
            Object[] args = ServiceTable.decodeArguments(target.method(), call.request().parameters(), mapper);
            Object result = ServiceTable.invoke(target, args);
            return RpcResponse.success(call.requestId(), result);
        } catch (Throwable t) {
            if (t instanceof Error && !(t instanceof AssertionError)) {
                LOG.warn("{}: {} threw {}", providerName(), call.request().label(), t.toString());
            }
            return RpcResponse.failure(call.requestId(), RpcError.of(t));
        }
    }

    /** Encodes an answer with the given id (faults re-encode with another id). */
    byte[] encode(RpcResponse outcome, String requestId) {
        RpcResponse r = outcome.failed() ? RpcResponse.failure(requestId, outcome.error())
                : RpcResponse.success(requestId, outcome.result());
        try {
            return mapper.writeValueAsBytes(r);
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
