package dev.rpcharness.provider.internal.server;

/**
 * Told of every call whose implementation (or stub) is about to run, for a log a call-history checker reads.
 * Called from worker threads and I/O threads at once: implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface ExecutionLog {

    /**
     * The call {@code requestId} from client {@code clientId} (null when the request named none) on the caller's port
     * {@code callerPort} runs now (0: port unknown).
     */
    void executed(String clientId, int callerPort, String requestId);

    /**
     * The call was dropped unrun: its caller's deadline ({@code X-Rpc-Deadline-Ms}) had passed when the provider
     * read it. A log that keeps only executed calls ignores it.
     */
    default void expired(String clientId, int callerPort, String requestId) {
    }
}
