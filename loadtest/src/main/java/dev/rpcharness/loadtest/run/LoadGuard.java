package dev.rpcharness.loadtest.run;

import dev.rpcharness.injectors.Abort;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells an {@link Injector}'s pacing loop when to stop sending before its load is done: when its own failed calls
 * pass {@code --abort-if-error-percent} of its ended calls (checked at most once a second, from
 * {@link #MIN_CALLS} ended calls on), or, in a coordinated run, when any injector aborted the run. On its own
 * breach in a coordinated run it aborts the run for every injector (the run's spec opts in whenever the option is
 * given, see {@link RunMembership}).
 *
 * <p>Threading: {@link #stop(long)} and {@link #reason()} are called by the injector's pacing thread only; the
 * suppliers may be updated by any thread. Lifecycle: none; the membership is the injector's.
 */
final class LoadGuard {

    /** No verdict on the error rate before this many ended calls. */
    static final long MIN_CALLS = 100;

    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final double maxErrorPercent;
    private final LongSupplier calls;
    private final LongSupplier failed;
    private final RunMembership membership;
    private long nextCheckNanos;
    private String reason;

    /**
     * @param name the injector's name, for the reason
     * @param maxErrorPercent the largest share of failed calls, in percent, that does not stop it; NaN: no check
     * @param calls the calls ended so far
     * @param failed the calls failed so far
     * @param membership the injector's coordinated run, or null alone
     * @param startNanos the start of the load ({@link System#nanoTime()}): the first check is a second later
     */
    LoadGuard(String name, double maxErrorPercent, LongSupplier calls, LongSupplier failed,
            RunMembership membership, long startNanos) {
        this.name = name;
        this.maxErrorPercent = maxErrorPercent;
        this.calls = calls;
        this.failed = failed;
        this.membership = membership;
        this.nextCheckNanos = startNanos + CHECK_NANOS;
    }

    /** Whether the injector must stop sending now; once true, always true. */
    boolean stop(long nowNanos) {
        if (reason != null) {
            return true;
        }
        Optional<Abort> aborted = membership == null ? Optional.empty() : membership.aborted();
        if (aborted.isPresent()) {
            reason = "run aborted by " + aborted.get().injector() + ": " + aborted.get().reason();
            return true;
        }
        if (Double.isNaN(maxErrorPercent) || nowNanos - nextCheckNanos < 0) {
            return false;
        }
        nextCheckNanos = nowNanos + CHECK_NANOS;
        long ended = calls.getAsLong();
        long errors = Math.min(failed.getAsLong(), ended); // a failure is counted just before its call ends
        if (ended < MIN_CALLS || errors * 100.0 / ended <= maxErrorPercent) {
            return false;
        }
        reason = String.format(Locale.ROOT, "%s: %.1f%% of %d calls failed, over --abort-if-error-percent %s", name,
                errors * 100.0 / ended, ended, maxErrorPercent);
        if (membership != null) {
            membership.abort(reason);
        }
        return true;
    }

    /** Why it stopped, or null while it has not. */
    String reason() {
        return reason;
    }
}
