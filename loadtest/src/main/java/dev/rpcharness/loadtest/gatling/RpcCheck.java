package dev.rpcharness.loadtest.gatling;

/**
 * A check on the end of an RPC call. A failed check turns the call into a KO in Gatling's statistics, with the
 * check's message. Checks run on the consumer's callback thread and must not block.
 *
 * <p>Without a check that {@link #judgesOutcome() judges the outcome}, any failed call is a KO; with one
 * (for example {@link RpcChecks#outcomeIn}), that check alone decides which outcomes pass.
 */
@FunctionalInterface
public interface RpcCheck {

    /** Returns null when {@code result} passes, else a short message saying why not. */
    String check(RpcResult result);

    /** Whether this check decides by itself which outcomes are acceptable. */
    default boolean judgesOutcome() {
        return false;
    }
}
