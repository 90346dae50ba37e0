package dev.rpcharness.provider;

import dev.rpcharness.run.ExecutedCallLog;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The provider's log of calls it executed (its implementation was invoked): the caller's client id
 * ({@code X-Rpc-Client-Id}, when the request carried one), its port and the request id, for a call-history checker
 * that asks whether an indeterminate call (timed out, connection lost) ran. The client id keeps apart two clients
 * that used one port in turn; the port keeps apart one client's connections (each counts request ids from 1). A
 * bounded ring: past {@code capacity} calls the oldest are overwritten, and {@link Snapshot#complete()} turns false
 * so a miss reads "unknown" rather than "did not run". Lives as long as the provider, across restarts.
 *
 * <p>Threading: {@link #record} from any worker thread, lock-free; {@link #snapshot} from any thread (entries being
 * written at that moment may be missing from it).
 */
public final class ExecutedCalls {

    /**
     * One executed call; {@code clientId} null when the request carried none; {@code expired} when the call was
     * dropped unrun because its caller's deadline had passed when it was read.
     */
    private record Entry(String clientId, int port, long requestId, boolean expired) {
    }

    private final AtomicReferenceArray<Entry> ring;
    private final int mask;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();

    /** @param capacityPowerOfTwo calls kept, a power of two */
    ExecutedCalls(int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacityPowerOfTwo);
        }
        this.ring = new AtomicReferenceArray<>(capacityPowerOfTwo);
        this.mask = capacityPowerOfTwo - 1;
    }

    /**
     * Records that the call {@code requestId} from client {@code clientId} (null when it sent none) on the caller's
     * port {@code remotePort} is executed now.
     */
    void record(String clientId, int remotePort, String requestId) {
        if (add(clientId, remotePort, requestId, false)) {
            executed.incrementAndGet();
        }
    }

    /** Records that the call was dropped unrun: its caller's deadline had passed when it was read. */
    void recordExpired(String clientId, int remotePort, String requestId) {
        add(clientId, remotePort, requestId, true);
    }

    private boolean add(String clientId, int remotePort, String requestId, boolean expired) {
        long id;
        try {
            id = Long.parseLong(requestId);
        } catch (NumberFormatException e) {
            return false; // ids that are not numbers cannot come from the consumer under test
        }
        if (id <= 0 || remotePort <= 0) {
            return false;
        }
        long i = next.getAndIncrement();
        ring.lazySet((int) (i & mask), new Entry(clientId, remotePort, id, expired));
        return true;
    }

    /** Calls executed so far (not those dropped unrun). */
    public long count() {
        return executed.get();
    }

    /** The calls executed so far, as a set to look up in. */
    public Snapshot snapshot() {
        long n = next.get();
        int size = (int) Math.min(n, ring.length());
        Set<Entry> keys = new HashSet<>(size * 2);
        for (int i = 0; i < size; i++) {
            Entry e = ring.get(i);
            if (e != null) { // null: a slot whose call is being recorded right now
                keys.add(e);
            }
        }
        return new Snapshot(keys, n <= ring.length());
    }

    /** What a provider had executed at one moment. Immutable. */
    public static final class Snapshot implements ExecutedCallLog {

        private final Set<Entry> keys;
        private final boolean complete;

        Snapshot(Set<Entry> keys, boolean complete) {
            this.keys = keys;
            this.complete = complete;
        }

        @Override
        public boolean ran(String clientId, int callerPort, long requestId) {
            return keys.contains(new Entry(clientId, callerPort, requestId, false));
        }

        @Override
        public boolean expired(String clientId, int callerPort, long requestId) {
            return keys.contains(new Entry(clientId, callerPort, requestId, true));
        }

        @Override
        public boolean complete() {
            return complete;
        }
    }
}
