package dev.rpcharness.run;

/**
 * What one provider had executed (its implementation invoked) at one moment, as the call-history checker asks it:
 * did the call with this request id, sent from this caller port, run? Implementations are immutable snapshots.
 */
public interface ExecutedCallLog {

    /** Whether the call {@code requestId} from the caller's port {@code callerPort} was executed. */
    boolean ran(int callerPort, long requestId);

    /**
     * Whether the provider dropped the call unrun because the caller's deadline ({@code X-Rpc-Deadline-Ms}) had
     * passed when it read it (a frozen provider, thawed): the call surely did not run. False when the log does not
     * say.
     */
    default boolean expired(int callerPort, long requestId) {
        return false;
    }

    /** False when the log lost entries (a ring that overflowed): a call it does not hold may still have run. */
    boolean complete();
}
