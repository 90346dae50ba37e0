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
 *
 * <p>Attempts (a method whose {@code CallPolicy} allows more than one attempt, docs/call-policies.md): {@link
 * #retryBudget} once, right after {@link #client}; {@link #policy} once per such method, before the first attempt
 * of its first call; then for each attempt of a call, {@link #attemptStarted} before the attempt can go anywhere,
 * {@link #written(long, int, String, int, long, long)} each time it is written (once in a correct client) and
 * {@link #attemptEnded} once, on the thread that ended it (an attempt cancelled because another one answered ends
 * after its call). A call's own {@link #ended} comes once, as for any call. The client reports the successful and
 * the budget-counted failed attempt ends under its retry budget's lock, in the order the budget took them, so that
 * a checker can replay the budget. All attempt methods do nothing by default.
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

    /**
     * The client's retry budget ({@code RetryBudget}): {@code maxTokens} is {@link Integer#MAX_VALUE} for an
     * unlimited one. Once, after {@link #client}, before any call.
     */
    default void retryBudget(int maxTokens, double tokenRatio) {
    }

    /**
     * The policy of {@code method} ({@code Interface#method}), once per method with more than one attempt, before
     * the first attempt of its first call.
     */
    default void policy(String method, int maxAttempts, boolean idempotent, boolean hedged) {
    }

    /** Attempt {@code attempt} (from 1) of call {@code seq} started: it is about to be handed to a provider. */
    default void attemptStarted(long seq, int attempt, long nanos) {
    }

    /**
     * Attempt {@code attempt} (from 1) of call {@code seq} was written to a provider; by default told as a
     * {@link #written(long, String, int, long, long)} of the call.
     */
    default void written(long seq, int attempt, String provider, int localPort, long requestId, long nanos) {
        written(seq, provider, localPort, requestId, nanos);
    }

    /** Attempt {@code attempt} of call {@code seq} ended: {@code failure} null for a result. */
    default void attemptEnded(long seq, int attempt, long nanos, Throwable failure) {
    }
}
