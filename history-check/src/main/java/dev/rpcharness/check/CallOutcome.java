package dev.rpcharness.check;

import dev.rpcharness.run.CallRecord;

/**
 * The outcome class of a call, Jepsen style: {@link #OK} (a result), {@link #FAIL} (definitely failed: the provider
 * answered with an error, or the call was never written, so it did not run), {@link #INFO} (indeterminate: written,
 * then ended without the provider's answer — timeout, connection lost, protocol error, cancelled, client closed — so
 * the provider may or may not have run it).
 */
public enum CallOutcome {
    OK, FAIL, INFO;

    /** The class of a call by its first end and whether it was written; null while it is open. */
    public static CallOutcome of(CallRecord call) {
        CallRecord.End end = call.firstEnd();
        if (end == null) {
            return null;
        }
        if (end.error() == null) {
            return OK;
        }
        if (call.writes().isEmpty() || end.error().equals("dev.rpcharness.consumer.RemoteInvocationException")) {
            return FAIL;
        }
        return INFO;
    }

    /** The name the run's files use: ok, fail, info. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
