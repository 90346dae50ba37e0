package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.loadtest.record.Outcome;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * An assertion on the latency recorder's histogram of one method and one outcome class, which Gatling's own
 * response-time assertions cannot make (they mix successful and failed calls, so timeouts dominate them):
 * {@code latency("echo", Outcome.OK).percentile(99).lt(Duration.ofMillis(100))} is a {@link VerifyActionBuilder}
 * named {@code echo/ok: 99th percentile of latency is less than 100 ms}. Put it after the load in a scenario and
 * fail the run on it with {@link RpcDsl#passes}; it is logged like Gatling's assertion lines, with
 * {@code : true} or {@code : false (actual : 123.456 ms)}. It fails when no call of that method and outcome was
 * recorded. Immutable.
 */
public final class LatencyAssertion {

    private final String method;
    private final Outcome outcome;
    private final Double percentile;

    LatencyAssertion(String method, Outcome outcome, Double percentile) {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("latency assertion: method name is empty");
        }
        this.method = method;
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.percentile = percentile;
    }

    /** The {@code value}th percentile (0 < value <= 100), for example 99 or 99.9. */
    public LatencyAssertion percentile(double value) {
        if (!(value > 0.0 && value <= 100.0)) {
            throw new IllegalArgumentException("latency percentile must be in (0, 100], was " + value);
        }
        return new LatencyAssertion(method, outcome, value);
    }

    /** The largest latency (the 100th percentile). */
    public LatencyAssertion max() {
        return percentile(100.0);
    }

    /** Holds when the chosen percentile is strictly below {@code limit}. */
    public VerifyActionBuilder lt(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (percentile == null) {
            throw new IllegalStateException("latency(\"" + method + "\", " + outcome
                    + "): choose percentile(p) or max() before lt(limit)");
        }
        double p = percentile;
        String tag = method + "/" + outcome.label();
        String name = tag + ": " + describe(p) + " of latency is less than " + millis(limit) + " ms";
        long limitMicros = limit.toNanos() / 1_000L;
        return new VerifyActionBuilder(name, target -> {
            Histogram h = target.recorder().totalSoFar(tag);
            if (h.getTotalCount() == 0) {
                return "no " + tag + " call was recorded";
            }
            long micros = p >= 100.0 ? h.getMaxValue() : h.getValueAtPercentile(p);
            return micros < limitMicros ? null
                    : String.format(Locale.ROOT, "actual : %.3f ms over %d calls", micros / 1000.0,
                            h.getTotalCount());
        });
    }

    private static String millis(Duration d) {
        long nanos = d.toNanos();
        return nanos % 1_000_000L == 0 ? String.valueOf(nanos / 1_000_000L)
                : String.format(Locale.ROOT, "%.3f", nanos / 1_000_000.0);
    }

    private static String describe(double p) {
        if (p >= 100.0) {
            return "max";
        }
        String n = p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
        return n + "th percentile";
    }
}
