package dev.rpcharness.check;

/**
 * A span of time during which a provider ran a fault plan able to end connections (reset, close without answer,
 * truncated body): a connection to it lost then has a cause. Times are {@link System#nanoTime()} readings;
 * {@link Long#MIN_VALUE} means from the beginning, {@link Long#MAX_VALUE} still in force. Immutable.
 *
 * @param fromNanos when the plan was installed
 * @param toNanos   when it was replaced by one that cannot end connections
 */
public record FaultSpan(long fromNanos, long toNanos) {

    public FaultSpan {
        if (toNanos < fromNanos) {
            throw new IllegalArgumentException("fault span ends before it starts: " + fromNanos + " > " + toNanos);
        }
    }

    /** Whether this span and {@code [from, to]} share a moment. */
    public boolean overlaps(long from, long to) {
        return fromNanos <= to && from <= toNanos;
    }
}
