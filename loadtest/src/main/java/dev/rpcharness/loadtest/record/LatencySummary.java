package dev.rpcharness.loadtest.record;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Count and percentiles of one tag's latencies, in microseconds.
 *
 * @param tag   the histogram tag, {@code <method>[@<provider>]/<outcome>}
 * @param count calls recorded
 * @param p50   median in µs
 * @param p99   99th percentile in µs
 * @param p999  99.9th percentile in µs
 * @param max   largest value in µs
 */
public record LatencySummary(String tag, long count, long p50, long p99, long p999, long max) {

    /** Summarises {@code histogram} (values in microseconds). */
    public static LatencySummary of(String tag, Histogram histogram) {
        return new LatencySummary(tag, histogram.getTotalCount(), histogram.getValueAtPercentile(50.0),
                histogram.getValueAtPercentile(99.0), histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue());
    }

    /** One aligned text line: tag, count, p50/p99/p99.9/max in milliseconds. */
    public String toLine() {
        return String.format(Locale.ROOT, "%-48s %9d  p50 %9.3f ms  p99 %9.3f ms  p99.9 %9.3f ms  max %9.3f ms",
                tag, count, p50 / 1000.0, p99 / 1000.0, p999 / 1000.0, max / 1000.0);
    }
}
