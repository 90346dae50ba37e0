package dev.rpcharness.consumer.policy;

/**
 * The retry budget of one client (docs/call-policies.md), in the manner of gRPC's retry throttling: a bucket of
 * {@code maxTokens} tokens, full at the start; every failed attempt of a call with a policy takes one token, every
 * successful one gives back {@code tokenRatio}. Retries and hedges are allowed only while more than half the
 * bucket is left, so when most attempts fail the client stops multiplying load and sends each call once.
 *
 * @param maxTokens  the bucket's size: 1 to 1000
 * @param tokenRatio what a success gives back: above 0, at most 1
 */
public record RetryBudget(int maxTokens, double tokenRatio) {

    /** The default: 10 tokens, 0.1 back per success (gRPC's example figures). */
    public static final RetryBudget DEFAULT = new RetryBudget(10, 0.1);

    /** No budget at all: retries and hedges only as the policies allow. For tests and comparisons. */
    public static final RetryBudget UNLIMITED = new RetryBudget(Integer.MAX_VALUE, 1);

    /** @throws IllegalArgumentException naming the value out of range */
    public RetryBudget {
        if (maxTokens != Integer.MAX_VALUE && (maxTokens < 1 || maxTokens > 1000)) {
            throw new IllegalArgumentException("retryBudget maxTokens must be within 1..1000, was " + maxTokens);
        }
        if (!(tokenRatio > 0 && tokenRatio <= 1)) {
            throw new IllegalArgumentException("retryBudget tokenRatio must be above 0 and at most 1, was "
                    + tokenRatio);
        }
    }

    /** Whether this budget never refuses. */
    public boolean unlimited() {
        return maxTokens == Integer.MAX_VALUE;
    }
}
