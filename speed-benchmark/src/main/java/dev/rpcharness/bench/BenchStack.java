package dev.rpcharness.bench;

/**
 * One client/server pair the speed benchmark drives: it sends echo calls and reports each call's end.
 *
 * <p>Threading: {@link #send} may be called from any thread, also from inside a {@link Completion} (then on the
 * stack's I/O or callback thread); a stack that batches writes flushes what completions sent at the end of its
 * read batch, and what other threads sent once per burst, by itself. {@link #close} stops the client only;
 * servers are closed by their owner.
 */
interface BenchStack extends AutoCloseable {

    /** Receives the end of one call, exactly once per call. */
    @FunctionalInterface
    interface Completion {
        /**
         * @param intendedStartNanos the value handed to {@link #send}
         * @param ok                 false when the call failed (error, timeout, connection lost)
         */
        void done(long intendedStartNanos, boolean ok);
    }

    /** Sends one call; {@code done} runs when it ends. */
    void send(long intendedStartNanos, Completion done);

    /**
     * The failures since the last call, by kind (e.g. exception class), then starts counting afresh; empty for a
     * stack that does not tell failures apart.
     */
    default java.util.Map<String, Long> takeFailureKinds() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
