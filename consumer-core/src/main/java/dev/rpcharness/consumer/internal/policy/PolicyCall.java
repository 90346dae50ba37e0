package dev.rpcharness.consumer.internal.policy;

import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.CallHistory;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.internal.balancer.Balancer;
import dev.rpcharness.consumer.internal.call.CallHolder;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.policy.CallPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One call made under a {@link CallPolicy} with more than one attempt (docs/call-policies.md). The caller's
 * {@link RpcCall} is never sent itself: its future is the call's one ending, and each attempt is a call of its own
 * ({@link RpcCall#attemptOf}) whose end comes back here.
 *
 * <ul>
 *   <li>One deadline: fixed when the call starts (its start plus the call timeout); every attempt's deadline is it
 *   (or the policy's attempt timeout, if earlier); no attempt, retry or hedge starts at or after it.</li>
 *   <li>Failover: a retry goes to a provider not tried yet when one is usable (never an ejected one), else to any.
 *   An attempt never written may always go again; one that may have reached its provider only for an idempotent
 *   method and a failure the policy retries ({@link AttemptFailure}).</li>
 *   <li>Hedging: {@link CallPolicy#hedgeDelay()} after the last attempt started, with no answer yet, another
 *   attempt goes to another provider (none when there is no other).</li>
 *   <li>The client's {@link RetryThrottle}: every retry and hedge of a sent attempt needs it; each attempt's end
 *   feeds it.</li>
 *   <li>Pushback: an answer's {@code X-Rpc-Pushback} says stop (no retry, no further hedge) or how long to wait
 *   before the retry, instead of the policy's backoff.</li>
 *   <li>The first answer ends the call; the call's end (also a caller's cancel or the client's close) cancels the
 *   attempts still running: they leave their connection's pending map and their late answers are dropped.</li>
 * </ul>
 *
 * <p>History: when the client records one, each attempt's start and end are told to it
 * ({@link CallHistory#attemptStarted}, {@link CallHistory#attemptEnded}); a success's and a counted failure's end
 * and a hedge's start are recorded inside the {@link RetryThrottle}'s step, in the budget's order.
 *
 * <p>Threading: attempts end on I/O threads, backoffs and hedges fire on the balancer's timer loop; the state is
 * guarded by this object's lock, and neither the call's future nor the balancer is touched under it. Lock order:
 * the throttle's lock, then this one.
 */
public final class PolicyCall {

    /** Attempt futures tell their end on the thread that ends them. */
    private static final Executor DIRECT = Runnable::run;

    private final RpcCall call;
    private final CallPolicy policy;
    private final Balancer balancer;
    private final RetryThrottle budget;
    private final Set<PolicyCall> live;
    private final long deadlineNanos;
    private final RpcCall[] attempts;
    private final CallTimer timer;
    /** Whether a failure that may have reached its provider is retried (the policy's, or the test-only switch's). */
    private final boolean retriesWhenSent;
    /** Guarded by this. */
    private int started;
    private int running;
    private Throwable lastFailure;
    private RpcCall lastFailed;
    /** Set when a provider's pushback said stop. */
    private boolean stopped;

    /**
     * @param live               the client's policy calls not yet ended: this one is in it from {@link #start()} to
     *                           its end, so that closing the client can end a call waiting for its backoff
     *                           ({@link #clientClosed()})
     * @param retryNonIdempotent test only (the client's {@code rpcharness.consumer.brokenCall} switch,
     *                           docs/history.md): retry as if the method were idempotent, breaking the policy on
     *                           purpose so that the history checker can be shown to catch it
     */
    public PolicyCall(RpcCall call, Balancer balancer, RetryThrottle budget, Set<PolicyCall> live,
                      boolean retryNonIdempotent) {
        this.retriesWhenSent = call.method().policy().idempotent() || retryNonIdempotent;
        this.live = live;
        this.call = call;
        this.policy = call.method().policy();
        this.balancer = balancer;
        this.budget = budget;
        this.deadlineNanos = call.startDeadline();
        this.attempts = new RpcCall[policy.maxAttempts()];
        this.timer = new CallTimer(balancer.timers(), deadlineNanos);
    }

    /** Sends the first attempt. Once, on the caller's thread. */
    public void start() {
        live.add(this);
        call.future().addCallback(new CallEnded());
        if (!launch()) {
            // Only when the call ended meanwhile (cancelled, client closed): nothing more to do.
            call.future().fail(call.timedOut(call.callTimeoutMillis()));
        }
    }

    /**
     * Starts the next attempt, to a provider no attempt went to when one is usable, unless the call ended, the
     * attempts are used up, a pushback said stop or the deadline has come. Returns whether one went.
     */
    private boolean launch() {
        Launch next = prepare();
        if (next == null) {
            return false;
        }
        go(next);
        return true;
    }

    /** An attempt made and recorded, not yet handed to the balancer. */
    private record Launch(RpcCall attempt, List<String> avoid) {
    }

    /** Makes the next attempt and records its start, or returns null when none may start now. */
    private Launch prepare() {
        synchronized (this) {
            long now = System.nanoTime();
            if (call.future().isDone() || stopped || started >= attempts.length || now - deadlineNanos >= 0) {
                return null;
            }
            Duration perAttempt = policy.attemptTimeout();
            long attemptDeadline = perAttempt == null ? deadlineNanos
                    : Math.min(deadlineNanos, now + perAttempt.toNanos());
            RpcCall attempt = RpcCall.attemptOf(call, new RpcFuture(DIRECT, now), started + 1, attemptDeadline,
                    call.waitDeadlineNanos());
            List<String> avoid = triedProviders();
            attempts[started] = attempt;
            started++;
            running++;
            CallHistory history = call.history();
            if (history != null) {
                history.attemptStarted(call.seq(), attempt.attempt(), now);
            }
            return new Launch(attempt, avoid);
        }
    }

    private void go(Launch next) {
        next.attempt().future().addCallback(new AttemptEnded(next.attempt()));
        balancer.dispatchAvoiding(next.attempt(), next.avoid());
        if (policy.hedgeDelay() != null) {
            timer.schedule(policy.hedgeDelay().toNanos(), this::hedge);
        }
    }

    /** Tells the history that {@code attempt} ended. */
    private void recordEnd(RpcCall attempt, Throwable failure) {
        CallHistory history = call.history();
        if (history != null) {
            history.attemptEnded(call.seq(), attempt.attempt(), System.nanoTime(), failure);
        }
    }

    /** Addresses of the providers earlier attempts went to. Caller holds the lock. */
    private List<String> triedProviders() {
        List<String> tried = new ArrayList<>(started);
        for (int i = 0; i < started; i++) {
            CallHolder holder = attempts[i] == null ? null : attempts[i].holder();
            if (holder != null) {
                tried.add(holder.address());
            }
        }
        return tried;
    }

    /** The hedge delay passed without an answer: another attempt, if another provider is usable. */
    private void hedge() {
        List<String> tried;
        synchronized (this) {
            if (stopped || call.future().isDone() || started >= attempts.length) {
                return;
            }
            tried = triedProviders();
        }
        if (!balancer.anyUsableAvoiding(call.serviceName(), tried)) {
            return;
        }
        Launch[] next = new Launch[1];
        if (budget.tryRetry(() -> next[0] = prepare()) && next[0] != null) {
            go(next[0]);
        }
    }

    private void retry() {
        if (!launch()) {
            endIfIdle();
        }
    }

    /** Ends the call with the last failure if no attempt is running and no retry will come. */
    private void endIfIdle() {
        Throwable failure;
        RpcCall attempt;
        synchronized (this) {
            if (running > 0 || lastFailure == null) {
                return;
            }
            failure = lastFailure;
            attempt = lastFailed;
        }
        endWith(attempt, null, failure);
    }

    private void attemptSucceeded(RpcCall attempt, Object value) {
        budget.success(() -> recordEnd(attempt, null));
        endWith(attempt, value, null);
    }

    /**
     * Ends the call with an attempt's outcome, naming that attempt's provider on the call's future first (two
     * attempts ending at the same instant may both name theirs; the one that ends the call usually wins).
     */
    private void endWith(RpcCall attempt, Object value, Throwable failure) {
        RpcFuture future = call.future();
        if (future.isDone()) {
            return;
        }
        String address = attempt.future().providerAddress();
        if (address != null) {
            future.providerAddress(address);
        }
        if (failure == null) {
            future.complete(value);
        } else {
            future.fail(failure);
        }
    }

    private void attemptFailed(RpcCall attempt, Throwable failure) {
        if (call.future().isDone()) {
            recordEnd(attempt, failure);
            synchronized (this) {
                running--;
            }
            return;
        }
        AttemptFailure what = AttemptFailure.of(attempt, failure, policy, retriesWhenSent);
        long pushback = attempt.pushbackMillis();
        boolean more;
        synchronized (this) {
            running--;
            lastFailure = failure;
            lastFailed = attempt;
            if (pushback == RpcCall.STOP) {
                stopped = true; // the provider asked for no retry: no retry, no further hedge
            }
            more = what != AttemptFailure.FINAL && !stopped && started < attempts.length
                    && System.nanoTime() - deadlineNanos < 0;
        }
        boolean allowed = false;
        if (what != AttemptFailure.NOT_SENT && AttemptFailure.kindOf(failure) != null) {
            allowed = budget.failure(() -> recordEnd(attempt, failure), more && what == AttemptFailure.RETRYABLE);
        } else {
            recordEnd(attempt, failure);
        }
        if (what == AttemptFailure.FINAL) {
            endWith(attempt, null, failure);
            return;
        }
        if (!more) {
            endIfIdle();
            return;
        }
        if (what == AttemptFailure.NOT_SENT) {
            retry();
            return;
        }
        if (!allowed) {
            endIfIdle();
            return;
        }
        int retryNumber;
        synchronized (this) {
            retryNumber = started;
        }
        long backoff = pushback >= 0 ? TimeUnit.MILLISECONDS.toNanos(pushback)
                : policy.backoffNanos(retryNumber, ThreadLocalRandom.current().nextDouble());
        if (System.nanoTime() + backoff - deadlineNanos >= 0) {
            endIfIdle(); // the backoff would end past the deadline: no attempt starts after it
            return;
        }
        if (backoff == 0) {
            retry();
        } else {
            if (!timer.schedule(backoff, this::retry)) {
                endIfIdle();
            }
        }
    }

    /**
     * The client closed: the call ends with {@link dev.rpcharness.consumer.ClientClosedException} at once (its
     * backoff or hedge timer will never fire). Any thread.
     */
    public void clientClosed() {
        call.future().fail(call.clientClosed());
    }

    /** The call ended (an answer, a failure, the caller's cancel, the client's close): cancel what still runs. */
    private void cancelRunning() {
        live.remove(this);
        List<RpcCall> live = new ArrayList<>(2);
        timer.cancel();
        synchronized (this) {
            for (int i = 0; i < started; i++) {
                if (attempts[i] != null && !attempts[i].future().isDone()) {
                    live.add(attempts[i]);
                }
            }
        }
        for (RpcCall attempt : live) {
            attempt.future().cancel(false);
            balancer.cancelAttempt(attempt);
        }
    }

    private final class AttemptEnded implements AsyncRpcCallback {
        private final RpcCall attempt;

        AttemptEnded(RpcCall attempt) {
            this.attempt = attempt;
        }

        @Override
        public void success(Object result) {
            synchronized (PolicyCall.this) {
                running--;
            }
            attemptSucceeded(attempt, result);
        }

        @Override
        public void fail(Exception e) {
            attemptFailed(attempt, e);
        }
    }

    private final class CallEnded implements AsyncRpcCallback {
        @Override
        public void success(Object result) {
            cancelRunning();
        }

        @Override
        public void fail(Exception e) {
            cancelRunning();
        }
    }
}
