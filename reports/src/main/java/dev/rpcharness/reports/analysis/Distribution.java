package dev.rpcharness.reports.analysis;

import org.HdrHistogram.Histogram;

/**
 * A whole run's latency percentile distribution, as HdrHistogram plots it: latency against percentile on a
 * log-scale axis of {@code 1 / (1 - percentile)}, so 90%, 99%, 99.9% and 99.99% are equally far apart. The points
 * are evenly spaced on that axis ({@value #POINTS_PER_DECADE} per nine) up to the last nine the call count
 * resolves, so distributions of different runs share their points. Immutable.
 *
 * @param percentiles the percentiles (0 to 100, 100 excluded), increasing
 * @param millis      the latency at each percentile, ms
 */
public record Distribution(double[] percentiles, double[] millis) {

    static final int POINTS_PER_DECADE = 20;
    /** Six nines at most: 99.9999%. */
    private static final int MAX_DECADES = 6;

    /** The points to draw for {@code count} calls: up to the percentile where one call is left above. */
    public static double[] percentilesFor(long count) {
        if (count <= 0) {
            return new double[0];
        }
        double decades = Math.min(MAX_DECADES, Math.log10(count));
        int n = (int) Math.floor(decades * POINTS_PER_DECADE) + 1;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = 100.0 * (1.0 - Math.pow(10, -(double) i / POINTS_PER_DECADE));
        }
        return p;
    }

    /** The distribution of {@code h} (µs) at {@code percentiles}. */
    public static Distribution of(Histogram h, double[] percentiles) {
        double[] ms = new double[percentiles.length];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = h == null || h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentiles[i]) / 1000.0;
        }
        return new Distribution(percentiles.clone(), ms);
    }

    /** The distribution of {@code h} (µs) at the points its own count resolves. */
    public static Distribution of(Histogram h) {
        return of(h, percentilesFor(h == null ? 0 : h.getTotalCount()));
    }

    /** The log axis coordinate of each percentile: {@code 1 / (1 - p/100)}. */
    public double[] axis() {
        double[] x = new double[percentiles.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1.0 / (1.0 - percentiles[i] / 100.0);
        }
        return x;
    }
}
