package dev.rpcharness.check;

/** The rules of a call history (docs/history.md lists them with the violation each reports). */
public enum Rule {
    /** A call has a start; writes and ends of an unknown call number are a violation. */
    STARTED,
    /** A call ends exactly once: two ends is a violation. */
    ENDED_ONCE,
    /** No call is still open when the run is over. */
    NONE_OPEN,
    /** A call, or each attempt of a call with a policy, is written to a provider at most once. */
    WRITTEN_ONCE,
    /** A call is never written after it ended. */
    NOT_WRITTEN_AFTER_END,
    /** A call that was never written ended only as a rejection (no provider, overload, closed, queued timeout). */
    UNSENT_ONLY_REJECTED,
    /** A timeout lasted at least the call timeout and at most the call timeout plus the slack after its write. */
    TIMEOUT_BOUNDS,
    /**
     * "Connection lost" only while the timeline shows its provider closing, or while it runs a fault plan able to
     * end connections.
     */
    CONNECTION_LOST_HAS_CAUSE,
    /** The history is complete: the recorder lost no event. */
    COMPLETE,
    /** A call starts at most as many attempts as its method's policy allows (one without a policy line). */
    ATTEMPTS_WITHIN_POLICY,
    /** A call of a method that is not idempotent ran at most once across providers (their executed-call logs). */
    NON_IDEMPOTENT_RUN_ONCE,
    /** No attempt starts after the call's deadline (its start plus the call timeout). */
    NO_ATTEMPT_AFTER_DEADLINE,
    /** A hedged call ends once, each of its attempts ends once, and none starts after the call's end. */
    HEDGED_ENDS_ONCE,
    /** Every retry and hedge starts while the client's retry budget, replayed from its attempts, allows it. */
    RETRY_BUDGET
}
