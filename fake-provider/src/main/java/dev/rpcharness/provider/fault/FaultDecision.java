package dev.rpcharness.provider.fault;

/**
 * What a {@link FaultDecider} chose for one call.
 *
 * @param latency    the latency fault that fired, or null
 * @param delayNanos the delay drawn from it (0 without latency)
 * @param answer     the answer-fault that fired, or null to answer normally
 */
public record FaultDecision(Fault latency, long delayNanos, Fault answer) {

    private static final FaultDecision NONE = new FaultDecision(null, 0L, null);

    /** No fault: answer normally at once. */
    public static FaultDecision none() {
        return NONE;
    }

    public boolean isNone() {
        return latency == null && answer == null;
    }
}
