package dev.rpcharness.provider;

import dev.rpcharness.run.ExecutedCallLog;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The provider's log of calls it executed (its implementation was invoked): the caller's port and the request id,
 * for a call-history checker that asks whether an indeterminate call (timed out, connection lost) ran. A bounded
 * ring: past {@code capacity} calls the oldest are overwritten, and {@link Snapshot#complete()} turns false so a
 * miss reads "unknown" rather than "did not run". Lives as long as the provider, across restarts.
 *
 * <p>Threading: {@link #record} from any worker thread, lock-free; {@link #snapshot} from any thread (entries being
 * written at that moment may be missing from it).
 */
public final class ExecutedCalls {

    private final AtomicLongArray ring;
    private final int mask;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();
    /** Marks an entry of a call dropped unrun because its caller's deadline had passed. */
    private static final long EXPIRED = Long.MIN_VALUE;

    /** @param capacityPowerOfTwo calls kept, a power of two */
    ExecutedCalls(int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacityPowerOfTwo);
        }
        this.ring = new AtomicLongArray(capacityPowerOfTwo);
        this.mask = capacityPowerOfTwo - 1;
    }

    /** Records that the call {@code requestId} from the caller's port {@code remotePort} is executed now. */
    void record(int remotePort, String requestId) {
        if (add(remotePort, requestId, 0L)) {
            executed.incrementAndGet();
        }
    }

    /** Records that the call was dropped unrun: its caller's deadline had passed when it was read. */
    void recordExpired(int remotePort, String requestId) {
        add(remotePort, requestId, EXPIRED);
    }

    private boolean add(int remotePort, String requestId, long mark) {
        long id;
        try {
            id = Long.parseLong(requestId);
        } catch (NumberFormatException e) {
            return false; // ids that are not numbers cannot come from the consumer under test
        }
        if (id <= 0 || id >= 1L << 47 || remotePort <= 0) {
            return false;
        }
        long i = next.getAndIncrement();
        ring.lazySet((int) (i & mask), key(remotePort, id) | mark);
        return true;
    }

    private static long key(int port, long id) {
        return ((long) port << 47) | id;
    }

    /** Calls executed so far (not those dropped unrun). */
    public long count() {
        return executed.get();
    }

    /** The calls executed so far, as a set to look up in. */
    public Snapshot snapshot() {
        long n = next.get();
        int size = (int) Math.min(n, ring.length());
        Set<Long> keys = new HashSet<>(size * 2);
        for (int i = 0; i < size; i++) {
            keys.add(ring.get(i));
        }
        return new Snapshot(keys, n <= ring.length());
    }

    /** What a provider had executed at one moment. Immutable. */
    public static final class Snapshot implements ExecutedCallLog {

        private final Set<Long> keys;
        private final boolean complete;

        Snapshot(Set<Long> keys, boolean complete) {
            this.keys = keys;
            this.complete = complete;
        }

        @Override
        public boolean ran(int callerPort, long requestId) {
            return keys.contains(key(callerPort, requestId));
        }

        @Override
        public boolean expired(int callerPort, long requestId) {
            return keys.contains(key(callerPort, requestId) | EXPIRED);
        }

        @Override
        public boolean complete() {
            return complete;
        }
    }
}
