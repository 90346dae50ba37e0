package dev.rpcharness.consumer;

/**
 * Listener of every call's life, for a call history ({@code consumer.history.HistoryRecorder} writes one to a
 * file). Set with {@link ConsumerOptions.Builder#callHistory}; {@link #NONE} (the default) costs one comparison per
 * call.
 *
 * <p>Order and threads: {@link #client} once, on the thread building the client, before any call;
 * {@link #started} on the caller's thread, before the call can go anywhere;
 * {@link #written} on the event loop of the connection, each time the call is written to a provider (once in a
 * correct client); {@link #ended} on the thread that ended the call, once in a correct client, after
 * {@link #written} if the call was written. Methods must be short and must not block: they run on I/O threads.
 * Times are {@link System#nanoTime()} readings.
 */
public interface CallHistory {

    /** Records nothing. */
    CallHistory NONE = new CallHistory() {
        @Override
        public void started(long seq, String method, long startNanos) {
        }

        @Override
        public void written(long seq, String provider, int localPort, long requestId, long nanos) {
        }

        @Override
        public void ended(long seq, long endNanos, Throwable failure) {
        }

        @Override
        public String toString() {
            return "CallHistory.NONE";
        }
    };

    /**
     * The client this history is given to was built: {@code clientId} is the id it sends on every request
     * ({@link ConsumerClient#clientId()}), which names its calls on the provider's side with the local port and
     * request id of {@link #written}. Called once, before any call; does nothing by default.
     */
    default void client(String clientId) {
    }

    /**
     * A call started.
     *
     * @param seq        the call's number in this client, from 1
     * @param method     {@code Interface#method}
     * @param startNanos when it started
     */
    void started(long seq, String method, long startNanos);

    /**
     * The call was written to a provider.
     *
     * @param provider  the provider's "host:port"
     * @param localPort the client's port of that connection (with the provider, it names the connection)
     * @param requestId the request id on that connection
     */
    void written(long seq, String provider, int localPort, long requestId, long nanos);

    /** The call ended: {@code failure} is null for a result, else what it failed with. */
    void ended(long seq, long endNanos, Throwable failure);
}
