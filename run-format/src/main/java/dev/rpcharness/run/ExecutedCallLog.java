package dev.rpcharness.run;

/**
 * What one provider had executed (its implementation invoked) at one moment, as the call-history checker asks it:
 * did the call with this request id, sent from this caller port, run? Implementations are immutable snapshots.
 */
public interface ExecutedCallLog {

    /** Whether the call {@code requestId} from the caller's port {@code callerPort} was executed. */
    boolean ran(int callerPort, long requestId);

    /** False when the log lost entries (a ring that overflowed): a call it does not hold may still have run. */
    boolean complete();
}
