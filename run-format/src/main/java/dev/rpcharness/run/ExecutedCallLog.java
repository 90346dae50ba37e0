package dev.rpcharness.run;

/**
 * What one provider had executed (its implementation invoked) at one moment, as the call-history checker asks it:
 * did the call with this request id, sent by this client from this caller port, run? The client's id
 * ({@code X-Rpc-Client-Id}) tells apart two clients that used the same port in turn; the port tells apart the
 * connections of one client (request ids count from 1 on each). Implementations are immutable snapshots.
 */
public interface ExecutedCallLog {

    /**
     * Whether the call {@code requestId} sent by client {@code clientId} from its port {@code callerPort} was
     * executed.
     *
     * @param clientId the client's id, as its history file names it; null for calls sent without one
     */
    boolean ran(String clientId, int callerPort, long requestId);

    /** Whether the call {@code requestId} from the caller's port {@code callerPort}, sent without a client id, ran. */
    default boolean ran(int callerPort, long requestId) {
        return ran(null, callerPort, requestId);
    }

    /**
     * Whether the provider dropped the call unrun because the caller's deadline ({@code X-Rpc-Deadline-Ms}) had
     * passed when it read it (a frozen provider, thawed): the call surely did not run. False when the log does not
     * say.
     *
     * @param clientId the client's id, as its history file names it; null for calls sent without one
     */
    default boolean expired(String clientId, int callerPort, long requestId) {
        return false;
    }

    /** False when the log lost entries (a ring that overflowed): a call it does not hold may still have run. */
    boolean complete();
}
