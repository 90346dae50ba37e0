package dev.rpcharness.check;

/**
 * How violations write times: {@link #at} as seconds since the timeline's start, {@link #millis} as a duration.
 * Immutable.
 */
record TimeLabels(long originNanos) {

    /** A {@link System#nanoTime()} reading as "+1.234s" from the origin. */
    String at(long nanos) {
        return String.format("%+.3fs", (nanos - originNanos) / 1e9);
    }

    /** A duration in whole milliseconds: "1500 ms". */
    static String millis(long nanos) {
        return nanos / 1_000_000L + " ms";
    }
}
