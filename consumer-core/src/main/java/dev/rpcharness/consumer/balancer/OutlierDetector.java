package dev.rpcharness.consumer.balancer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Outlier detection per provider: counts consecutive provider faults (timeouts, protocol errors, failed writes;
 * a remote exception the provider's method threw is an answer, not a fault). At the threshold it asks for an
 * ejection whose cool-down grows with each ejection in a row (base, 2 x base, 3 x base ... up to the maximum). A
 * provider that returns is on probation: its first fault ejects it again at once, its first good answer clears
 * its record. The share of providers ejected at once is capped by the balancer, which owns that count.
 *
 * <p>Threading: thread-safe; each provider's record has its own lock.
 */
final class OutlierDetector {

    private final int consecutiveFailures;
    private final long baseNanos;
    private final long maxNanos;
    private final ConcurrentHashMap<String, Health> health = new ConcurrentHashMap<>();

    /**
     * @param consecutiveFailures faults in a row that eject a provider; 0 turns detection off
     */
    OutlierDetector(int consecutiveFailures, long baseNanos, long maxNanos) {
        this.consecutiveFailures = consecutiveFailures;
        this.baseNanos = baseNanos;
        this.maxNanos = maxNanos;
    }

    boolean enabled() {
        return consecutiveFailures > 0;
    }

    /** What {@link #record} returns when a good answer ended a provider's probation. */
    static final long CLEARED = -1;

    /**
     * Records one call's end on {@code address}.
     *
     * @return the cool-down to eject it for; 0 to leave it as it is; {@link #CLEARED} when a good answer ended
     *         its probation
     */
    long record(String address, boolean fault) {
        if (!enabled()) {
            return 0;
        }
        Health h = health.computeIfAbsent(address, a -> new Health());
        synchronized (h) {
            if (h.ejected) {
                return 0;
            }
            if (!fault) {
                h.consecutive = 0;
                if (h.probation) {
                    h.probation = false;
                    h.ejections = 0;
                    return CLEARED;
                }
                return 0;
            }
            h.consecutive++;
            if (h.probation || h.consecutive >= consecutiveFailures) {
                return Math.min(maxNanos, baseNanos * (h.ejections + 1));
            }
            return 0;
        }
    }

    /** Faults in a row of {@code address} now (for the event's detail). */
    int consecutive(String address) {
        Health h = health.get(address);
        if (h == null) {
            return 0;
        }
        synchronized (h) {
            return h.consecutive;
        }
    }

    /** The balancer ejected it (the cap allowed). */
    void ejected(String address) {
        Health h = health.computeIfAbsent(address, a -> new Health());
        synchronized (h) {
            h.ejected = true;
            h.ejections++;
            h.consecutive = 0;
        }
    }

    /** The balancer refused the ejection (cap reached): the count starts again. */
    void refused(String address) {
        Health h = health.get(address);
        if (h != null) {
            synchronized (h) {
                h.consecutive = 0;
            }
        }
    }

    /** The cool-down ended: back in rotation, on probation. */
    void returned(String address) {
        Health h = health.computeIfAbsent(address, a -> new Health());
        synchronized (h) {
            h.ejected = false;
            h.probation = true;
            h.consecutive = 0;
        }
    }

    /** The provider was delisted: forget it. */
    void forget(String address) {
        health.remove(address);
    }

    /** One provider's record. Guarded by itself. */
    private static final class Health {
        int consecutive;
        int ejections;
        boolean ejected;
        boolean probation;
    }
}
