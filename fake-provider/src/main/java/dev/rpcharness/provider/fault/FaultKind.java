package dev.rpcharness.provider.fault;

/**
 * The kinds of fault a {@link Fault} injects. The three latency kinds delay a call and combine with at most one
 * answer-fault (every other kind), which changes or withholds what goes on the wire.
 */
public enum FaultKind {
    /** Delay the answer by a fixed duration. */
    LATENCY_FIXED,
    /** Delay the answer by a duration drawn uniformly between a minimum and a maximum. */
    LATENCY_UNIFORM,
    /** Delay the answer by a log-normally distributed duration given its median and 99th percentile. */
    LATENCY_LOG_NORMAL,
    /** Answer {@code {"error":{"type","message"}}} as if the method threw a remote exception. */
    ERROR,
    /** Answer with a non-2xx HTTP status (the request id header still set). */
    HTTP_STATUS,
    /** Reset the connection (RST via SO_LINGER 0) instead of answering. */
    RESET,
    /** Close the connection gracefully (FIN) instead of answering. */
    CLOSE_WITHOUT_ANSWER,
    /** Never answer; the connection stays open. */
    HANG,
    /** Write bytes that are not HTTP instead of the answer. */
    GARBAGE,
    /** Announce the full Content-Length, write only part of the body, then close the connection. */
    TRUNCATED_BODY,
    /** Answer with the id of the previous call on the same connection (a stale id). */
    WRONG_REQUEST_ID,
    /** Answer with an id that was never sent on the connection. */
    UNKNOWN_REQUEST_ID,
    /** Answer twice with the same id. */
    DUPLICATE_ANSWER,
    /** Write the answer in small chunks with a pause between them. */
    SLOW_DRIP,
    /** Answer with a well-formed body padded to a given size. */
    OVERSIZED_BODY,
    /**
     * Answer with a non-2xx HTTP status and an {@code X-Rpc-Pushback} header: {@code stop}, or the milliseconds a
     * consumer should wait before retrying elsewhere (docs/call-policies.md).
     */
    PUSHBACK;

    /**
     * Whether this kind ends the call's connection: {@link #RESET}, {@link #CLOSE_WITHOUT_ANSWER} and {@link
     * #TRUNCATED_BODY}; every call in flight on it is then lost, which is what excuses a "connection lost" in the
     * call-history checker (docs/history.md).
     */
    public boolean closesConnection() {
        return this == RESET || this == CLOSE_WITHOUT_ANSWER || this == TRUNCATED_BODY;
    }

    /** Whether this kind delays a call (and so combines with an answer-fault) rather than changing the answer. */
    public boolean isLatency() {
        return this == LATENCY_FIXED || this == LATENCY_UNIFORM || this == LATENCY_LOG_NORMAL;
    }
}
