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
 * <p>Threading: lock-free, any thread. The listener is called on the thread whose attempt crossed the line, holding
 * no lock; it must not block.
 */
public final class RetryThrottle {

    /** Told when retries become refused ({@code allowed} false) or allowed again. */
    @FunctionalInterface
    public interface Listener {
        void changed(boolean allowed, double tokens, int maxTokens);
    }

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
        if (!budget.unlimited()) {
            change(ratioMilli);
        }
    }

    /** An attempt failed: takes a token, down to none. */
    public void failure() {
        if (!budget.unlimited()) {
            change(-1000);
        }
    }

    private void change(long delta) {
        long before;
        long after;
        do {
            before = milliTokens.get();
            after = Math.max(0, Math.min(maxMilli, before + delta));
        } while (before != after && !milliTokens.compareAndSet(before, after));
        boolean wasAllowed = allows(before);
        boolean nowAllowed = allows(after);
        if (wasAllowed != nowAllowed && listener != null) {
            listener.changed(nowAllowed, after / 1000.0, budget.maxTokens());
        }
    }

    private boolean allows(long milli) {
        return budget.unlimited() || milli > maxMilli / 2;
    }

    /** Whether a retry or hedge may go now; counts it as allowed or refused. */
    public boolean tryRetry() {
        if (allows(milliTokens.get())) {
            retries.increment();
            return true;
        }
        refused.increment();
        return false;
    }

    public RetryBudgetState state() {
        long milli = milliTokens.get();
        return new RetryBudgetState(budget.unlimited() ? Double.POSITIVE_INFINITY : milli / 1000.0,
                budget.maxTokens(), allows(milli), retries.sum(), refused.sum());
    }
}
