package dev.rpcharness.consumer.internal.policy;

import dev.rpcharness.consumer.policy.RetryBudget;
import dev.rpcharness.consumer.policy.RetryBudgetState;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client's {@link RetryBudget}: a token bucket counted in thousandths of a token, full at the start. A failed
 * attempt takes a token, a successful one gives back the budget's ratio; retries and hedges are allowed while more
 * than half the bucket is left. Crossing that line either way is told to the {@link Listener} once.
 *
 * <p>Threading: any thread. Each step (an attempt's end, a retry's or hedge's allowance) runs under this object's
 * lock together with its call-history record, so a history holds the budget's steps in the order the budget took
 * them (the checker's {@code RETRY_BUDGET} rule replays them, docs/history.md); {@link #state()} reads without it.
 * The listener is called on the thread whose attempt crossed the line, holding no lock; it must not block.
 */
public final class RetryThrottle {

    /** Told when retries become refused ({@code allowed} false) or allowed again. */
    @FunctionalInterface
    public interface Listener {
        void changed(boolean allowed, double tokens, int maxTokens);
    }

    private static final Runnable NOTHING = () -> { };

    private final RetryBudget budget;
    private final long maxMilli;
    private final long ratioMilli;
    private final AtomicLong milliTokens;
    private final LongAdder retries = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final Listener listener;

    public RetryThrottle(RetryBudget budget, Listener listener) {
        this.budget = budget;
        this.maxMilli = budget.unlimited() ? Long.MAX_VALUE : budget.maxTokens() * 1000L;
        this.ratioMilli = Math.max(1, Math.round(budget.tokenRatio() * 1000));
        this.milliTokens = new AtomicLong(maxMilli);
        this.listener = listener;
    }

    /** An attempt answered: gives back the ratio, up to a full bucket. */
    public void success() {
        success(NOTHING);
    }

    /**
     * An attempt answered: runs {@code record} (its call-history line) and gives back the ratio, up to a full
     * bucket, as one step under this throttle's lock, so that the history holds the budget's steps in its order.
     */
    public void success(Runnable record) {
        long before;
        long after;
        synchronized (this) {
            record.run();
            before = milliTokens.get();
            after = budget.unlimited() ? before : set(before + ratioMilli);
        }
        tell(before, after);
    }

    /** An attempt failed: takes a token, down to none. */
    public void failure() {
        failure(NOTHING, false);
    }

    /**
     * An attempt failed: runs {@code record} (its call-history line), takes a token (down to none) and, when
     * {@code retry}, asks for a retry (counted as {@link #tryRetry()} does), as one step under this throttle's
     * lock. Returns whether the retry may go (false when none was asked for).
     */
    public boolean failure(Runnable record, boolean retry) {
        long before;
        long after;
        boolean allowed;
        synchronized (this) {
            record.run();
            before = milliTokens.get();
            after = budget.unlimited() ? before : set(before - 1000);
            allowed = retry && count(allows(after));
        }
        tell(before, after);
        return allowed;
    }

    /** Whether a retry or hedge may go now; counts it as allowed or refused. */
    public boolean tryRetry() {
        return tryRetry(NOTHING);
    }

    /**
     * Whether a retry or hedge may go now, counted as allowed or refused; when it may, {@code whenAllowed} (which
     * starts the attempt and records its start) runs under this throttle's lock, so that the history holds the
     * start where the budget allowed it. {@code whenAllowed} must be short and must not call back into this
     * throttle's listener's code.
     */
    public boolean tryRetry(Runnable whenAllowed) {
        synchronized (this) {
            if (!count(allows(milliTokens.get()))) {
                return false;
            }
            whenAllowed.run();
            return true;
        }
    }

    private boolean count(boolean allowed) {
        (allowed ? retries : refused).increment();
        return allowed;
    }

    /** Sets the bucket to {@code milli} within its bounds; returns what it set. Caller holds the lock. */
    private long set(long milli) {
        long after = Math.max(0, Math.min(maxMilli, milli));
        milliTokens.set(after);
        return after;
    }

    /** Tells the listener when a step crossed the half-full line; holding no lock. */
    private void tell(long before, long after) {
        boolean wasAllowed = allows(before);
        boolean nowAllowed = allows(after);
        if (wasAllowed != nowAllowed && listener != null) {
            listener.changed(nowAllowed, after / 1000.0, budget.maxTokens());
        }
    }

    private boolean allows(long milli) {
        return budget.unlimited() || milli > maxMilli / 2;
    }

    public RetryBudgetState state() {
        long milli = milliTokens.get();
        return new RetryBudgetState(budget.unlimited() ? Double.POSITIVE_INFINITY : milli / 1000.0,
                budget.maxTokens(), allows(milli), retries.sum(), refused.sum());
    }
}
