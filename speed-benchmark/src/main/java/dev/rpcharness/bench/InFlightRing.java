package dev.rpcharness.bench;

/**
 * The calls in flight on one floor-client connection, oldest first, in a growable ring of primitive slots (intended
 * start and completion), so sending and answering a call allocates nothing.
 *
 * <p>Threading: not thread-safe; used on the connection's event loop, or after that loop has stopped.
 */
final class InFlightRing {

    private long[] starts = new long[256];
    private BenchStack.Completion[] dones = new BenchStack.Completion[256];
    private int oldest;
    private int size;

    void add(long intendedStartNanos, BenchStack.Completion done) {
        if (size == starts.length) {
            grow();
        }
        int at = (oldest + size) & (starts.length - 1);
        starts[at] = intendedStartNanos;
        dones[at] = done;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Removes the oldest call and ends it with {@code ok}; the ring must not be empty. */
    void completeOldest(boolean ok) {
        long start = starts[oldest];
        BenchStack.Completion done = dones[oldest];
        dones[oldest] = null;
        oldest = (oldest + 1) & (starts.length - 1);
        size--;
        done.done(start, ok);
    }

    private void grow() {
        long[] s = new long[starts.length * 2];
        BenchStack.Completion[] d = new BenchStack.Completion[dones.length * 2];
        for (int i = 0; i < size; i++) {
            int from = (oldest + i) & (starts.length - 1);
            s[i] = starts[from];
            d[i] = dones[from];
        }
        starts = s;
        dones = d;
        oldest = 0;
    }
}
