package dev.rpcharness.consumer;

import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only switch that breaks one call's bookkeeping on purpose, so that a test can prove the call-history checker
 * names it: the system property {@value #PROPERTY} set to {@code drop-end:N} (call N's end is never reported, and it
 * stays counted in {@link ConsumerClient#pendingCalls()}: a lost callback), {@code double-end:N} (call N's end is
 * reported twice) or {@code retry-non-idempotent} (every call with more than one attempt retries a failure that may
 * have reached its provider even when its method is not idempotent, breaking its policy; the history still records
 * the method's true policy). Read once when a client is built, here only; unset, it does nothing. Immutable.
 */
final class BrokenCallSwitch {

    /** The system property a client reads when it is built. */
    static final String PROPERTY = "rpcharness.consumer.brokenCall";

    private static final Logger log = LoggerFactory.getLogger(BrokenCallSwitch.class);
    private static final String RETRY_NON_IDEMPOTENT = "retry-non-idempotent";
    private static final BrokenCallSwitch OFF = new BrokenCallSwitch(false, 0, false);

    private final boolean drop;
    private final long seq;
    private final boolean retryNonIdempotent;

    private BrokenCallSwitch(boolean drop, long seq, boolean retryNonIdempotent) {
        this.drop = drop;
        this.seq = seq;
        this.retryNonIdempotent = retryNonIdempotent;
    }

    static BrokenCallSwitch fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return OFF;
        }
        if (value.trim().equals(RETRY_NON_IDEMPOTENT)) {
            log.warn("{}={}: this client retries non-idempotent calls on purpose (test only)", PROPERTY, value);
            return new BrokenCallSwitch(false, 0, true);
        }
        String[] parts = value.trim().split(":");
        if (parts.length != 2 || !(parts[0].equals("drop-end") || parts[0].equals("double-end"))) {
            throw new IllegalArgumentException(PROPERTY + "='" + value + "': expected drop-end:N, double-end:N or "
                    + RETRY_NON_IDEMPOTENT);
        }
        long n;
        try {
            n = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + "='" + value + "': N is not a number");
        }
        log.warn("{}={}: this client breaks call {} on purpose (test only)", PROPERTY, value, n);
        return new BrokenCallSwitch(parts[0].equals("drop-end"), n, false);
    }

    /** Whether calls with more than one attempt retry as if every method were idempotent. */
    boolean retriesNonIdempotent() {
        return retryNonIdempotent;
    }

    boolean matches(long callSeq) {
        return seq > 0 && callSeq == seq;
    }

    /** The broken future of the matching call. */
    RpcFuture future(Executor callbacks, long start, Runnable callEnded, CallHistory history, long callSeq) {
        if (drop) {
            return new RpcFuture(callbacks, start, null, null);
        }
        return new RpcFuture(callbacks, start, callEnded, (end, failure) -> {
            history.ended(callSeq, end, failure);
            history.ended(callSeq, end, failure);
        });
    }
}
