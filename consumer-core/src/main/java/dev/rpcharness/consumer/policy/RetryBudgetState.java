package dev.rpcharness.consumer.policy;

/**
 * A snapshot of a client's {@link RetryBudget} ({@link dev.rpcharness.consumer.ConsumerClient#retryBudget()}).
 *
 * @param tokens         tokens left now
 * @param maxTokens      the bucket's size
 * @param retriesAllowed whether a retry or hedge would be allowed now (more than half the bucket left)
 * @param retries        retries and hedges the budget allowed so far
 * @param refused        retries and hedges it refused so far
 */
public record RetryBudgetState(double tokens, int maxTokens, boolean retriesAllowed, long retries, long refused) {
}
