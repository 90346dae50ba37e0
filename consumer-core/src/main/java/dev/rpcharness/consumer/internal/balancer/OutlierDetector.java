package dev.rpcharness.consumer.internal.balancer;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Outlier detection per provider, by two rules (either may be off): consecutive provider faults, and the failure
 * ratio over a sliding window (the last {@code interval}, in ten steps), once the window holds at least
 * {@code minimumCalls} calls. A fault is a timeout, a protocol error, a failed write or a lost connection; a remote
 * exception the provider's method threw is an answer, not a fault. When a rule fires it asks for an ejection whose
 * cool-down grows with the provider's recent ejections (base, 2 x base, 3 x base ... up to the maximum); each whole
 * {@code interval} it then spends in full rotation without an ejection takes one off that count (as grpc-java's
 * outlier detection does), so a provider that stays bad stays out longer and a recovered one starts again from the
 * base. A provider that returns is on probation: its first fault ejects it again at once, its first good answer
 * puts it back in full rotation. The share of providers ejected at once is capped by the balancer, which owns that
 * count.
 *
 * <p>Threading: thread-safe; each provider's record has its own lock. An answer that would change nothing (no
 * fault counted in a row, no probation, the ratio rule off) takes no lock: the connections of one provider on
 * different I/O threads do not pass its lock back and forth at every answer. Time comes from the given clock
 * ({@link System#nanoTime()} in the client).
 */
final class OutlierDetector {

    /** What one call's end means for its provider: eject it for a cool-down, or its probation ended well. */
    record Verdict(long coolDownNanos, String reason) {

        /** A good answer ended the provider's probation. */
        static final Verdict CLEARED = new Verdict(0, "answered its probe");

        boolean ejects() {
            return coolDownNanos > 0;
        }
    }

    private static final int STEPS = 10;

    private final int consecutiveFailures;
    private final double failureRatio;
    private final int minimumCalls;
    private final long intervalNanos;
    private final long baseNanos;
    private final long maxNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Health> health = new ConcurrentHashMap<>();

    /**
     * @param consecutiveFailures faults in a row that eject a provider; 0 turns this rule off
     * @param failureRatio        share of failed calls in the window that ejects a provider; 0 turns this rule off
     * @param minimumCalls        calls the window must hold before the ratio rule judges
     * @param intervalNanos       length of the window, and the clean time that takes one ejection off the count
     */
    OutlierDetector(int consecutiveFailures, double failureRatio, int minimumCalls, long intervalNanos,
                    long baseNanos, long maxNanos, LongSupplier clock) {
        this.consecutiveFailures = consecutiveFailures;
        this.failureRatio = failureRatio;
        this.minimumCalls = minimumCalls;
        this.intervalNanos = intervalNanos;
        this.baseNanos = baseNanos;
        this.maxNanos = maxNanos;
        this.clock = clock;
    }

    boolean enabled() {
        return consecutiveFailures > 0 || failureRatio > 0;
    }

    /**
     * Records one call's end on {@code address}.
     *
     * @return null to leave the provider as it is; a verdict that {@link Verdict#ejects() ejects} it with the
     *         reason; or {@link Verdict#CLEARED} when a good answer ended its probation
     */
    Verdict record(String address, boolean fault) {
        if (!enabled()) {
            return null;
        }
        Health h = healthOf(address);
        if (!fault && failureRatio <= 0 && !h.probation && h.consecutive == 0) {
            // Nothing to change (volatile reads): the answer is recorded as if just before any fault racing it.
            return null;
        }
        synchronized (h) {
            if (h.ejected) {
                return null;
            }
            if (!fault) {
                h.consecutive = 0;
                if (h.probation) {
                    h.probation = false;
                    h.cleanSince = clock.getAsLong();
                    return Verdict.CLEARED;
                }
                if (failureRatio > 0) {
                    h.count(clock.getAsLong(), false); // the window's counts serve the failure ratio only
                }
                return null;
            }
            long now = clock.getAsLong();
            h.consecutive++;
            h.count(now, true);
            if (h.probation) {
                return eject(h, now, "its probe failed");
            }
            if (consecutiveFailures > 0 && h.consecutive >= consecutiveFailures) {
                return eject(h, now, h.consecutive + " failed calls in a row");
            }
            if (failureRatio > 0 && h.calls >= minimumCalls && h.failures >= failureRatio * h.calls) {
                return eject(h, now, String.format(Locale.ROOT, "%d of %d calls failed within %d ms (ratio %.2f >= "
                                + "%.2f)", h.failures, h.calls, TimeUnit.NANOSECONDS.toMillis(intervalNanos),
                        (double) h.failures / h.calls, failureRatio));
            }
            return null;
        }
    }

    /** Caller holds h's lock. */
    /** The record of {@code address}, made on its first use (a plain read once it exists: no allocation). */
    private Health healthOf(String address) {
        Health h = health.get(address);
        return h != null ? h : health.computeIfAbsent(address, a -> new Health(intervalNanos / STEPS,
                clock.getAsLong()));
    }

    private Verdict eject(Health h, long now, String reason) {
        h.forgetCleanIntervals(now, intervalNanos);
        return new Verdict(Math.min(maxNanos, baseNanos * (h.ejections + 1)), reason);
    }

    /** The balancer ejected it (the cap allowed). */
    void ejected(String address) {
        Health h = healthOf(address);
        synchronized (h) {
            h.forgetCleanIntervals(clock.getAsLong(), intervalNanos);
            h.ejected = true;
            h.ejections++;
            h.cleanSince = 0;
            h.restart();
        }
    }

    /** The balancer refused the ejection (cap reached): both counts start again. */
    void refused(String address) {
        Health h = health.get(address);
        if (h != null) {
            synchronized (h) {
                h.restart();
            }
        }
    }

    /** The cool-down ended: back in rotation, on probation. */
    void returned(String address) {
        Health h = healthOf(address);
        synchronized (h) {
            h.ejected = false;
            h.probation = true;
            h.restart();
        }
    }

    /** The provider was delisted: forget it. */
    void forget(String address) {
        health.remove(address);
    }

    /**
     * One provider's record: its faults in a row, its calls and failures in the window (ten steps of
     * {@code interval / 10}, the oldest dropped as time moves on), its recent ejections. Guarded by itself.
     */
    private static final class Health {
        final long stepNanos;
        final int[] stepCalls = new int[STEPS];
        final int[] stepFailures = new int[STEPS];
        int step;
        long stepStart;
        int calls;
        int failures;
        /** Faults in a row; written under the record's lock, read without it by an answer. */
        volatile int consecutive;
        int ejections;
        /** When it went back to full rotation after a probation; 0 while ejected or on probation. */
        long cleanSince;
        boolean ejected;
        /** Written under the record's lock, read without it by an answer. */
        volatile boolean probation;

        Health(long stepNanos, long now) {
            this.stepNanos = Math.max(1, stepNanos);
            this.stepStart = now;
        }

        void count(long now, boolean failed) {
            advance(now);
            stepCalls[step]++;
            calls++;
            if (failed) {
                stepFailures[step]++;
                failures++;
            }
        }

        private void advance(long now) {
            long steps = (now - stepStart) / stepNanos;
            if (steps <= 0) {
                return;
            }
            if (steps >= STEPS) {
                clearWindow();
            } else {
                for (int i = 0; i < steps; i++) {
                    step = (step + 1) % STEPS;
                    calls -= stepCalls[step];
                    failures -= stepFailures[step];
                    stepCalls[step] = 0;
                    stepFailures[step] = 0;
                }
            }
            stepStart += steps * stepNanos;
        }

        private void clearWindow() {
            java.util.Arrays.fill(stepCalls, 0);
            java.util.Arrays.fill(stepFailures, 0);
            calls = 0;
            failures = 0;
        }

        /** Both counts start again (after an ejection, a refusal, a return). */
        void restart() {
            consecutive = 0;
            clearWindow();
        }

        /** Each whole interval in full rotation since {@link #cleanSince} takes one ejection off the count. */
        void forgetCleanIntervals(long now, long intervalNanos) {
            if (cleanSince == 0 || ejections == 0) {
                return;
            }
            long clean = (now - cleanSince) / intervalNanos;
            if (clean > 0) {
                ejections = (int) Math.max(0, ejections - clean);
                cleanSince += clean * intervalNanos;
            }
        }
    }
}
