package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.loadtest.record.Outcome;
import java.util.List;

/**
 * Decides whether a call is OK or KO for Gatling, and with which message. Gatling groups its error table by message,
 * so a message names a kind of failure, never a value: the outcome class, the remote exception type and the
 * provider for failed calls ({@code timeout on 127.0.0.1:20881}); {@code check-failed: } and the check's own
 * (stable) message for a call that returned but failed a check. Never a duration, a returned value or an argument.
 */
final class RpcVerdict {

    private static final String CHECK_FAILED_PREFIX = Outcome.CHECK_FAILED.label() + ": ";

    private RpcVerdict() {
    }

    /**
     * Null when the call counts as OK, else its KO message. Without a check that judges the outcome, any failed
     * call is KO with {@link #koMessage}; then every check runs in order and the first failure is the message.
     */
    static String judge(List<RpcCheck> checks, RpcResult result) {
        if (result.outcome() != Outcome.OK && !anyJudgesOutcome(checks)) {
            return koMessage(result);
        }
        for (RpcCheck check : checks) {
            String failure;
            try {
                failure = check.check(result);
            } catch (RuntimeException e) {
                failure = "check threw " + e.getClass().getName();
            }
            if (failure != null) {
                return result.outcome() == Outcome.OK ? CHECK_FAILED_PREFIX + failure : failure;
            }
        }
        return null;
    }

    /** Whether one of {@code checks} judges the outcome (a loop: this runs for every call). */
    static boolean anyJudgesOutcome(List<RpcCheck> checks) {
        for (RpcCheck check : checks) {
            if (check.judgesOutcome()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The outcome a call is recorded under: {@link Outcome#CHECK_FAILED} when it returned ({@code wire} is OK) but
     * {@code failure} says a check rejected it, else its outcome on the wire.
     */
    static Outcome recordedOutcome(Outcome wire, String failure) {
        return wire == Outcome.OK && failure != null ? Outcome.CHECK_FAILED : wire;
    }

    /** For example {@code timeout on 127.0.0.1:20881}, {@code remote-error: java.lang.IllegalStateException}. */
    static String koMessage(RpcResult result) {
        StringBuilder sb = new StringBuilder(result.outcome().label());
        Throwable error = result.error();
        if (error instanceof RemoteInvocationException remote) {
            sb.append(": ").append(remote.remoteType());
        } else if (error != null && result.outcome() == Outcome.OTHER_ERROR) {
            sb.append(": ").append(error.getClass().getName());
        }
        if (result.provider() != null) {
            sb.append(" on ").append(result.provider());
        }
        return sb.toString();
    }
}
