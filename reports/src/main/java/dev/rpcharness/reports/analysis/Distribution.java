package dev.rpcharness.reports.analysis;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A whole run's latency percentile distribution, as HdrHistogram plots it: latency against percentile on a
 * log-scale axis of {@code 1 / (1 - percentile)}, so 90%, 99%, 99.9% and 99.99% are equally far apart.
 * Immutable.
 *
 * @param percentiles the percentiles (0 to 100, 100 excluded), increasing
 * @param millis      the latency at each percentile, ms
 */
public record Distribution(double[] percentiles, double[] millis) {

    /** Steps per halving of the remaining distance to 100%, as in HdrHistogram's own percentile output. */
    private static final int TICKS_PER_HALF = 5;

    /** The distribution of {@code h} (µs); empty when it holds nothing. */
    public static Distribution of(Histogram h) {
        List<double[]> points = new ArrayList<>();
        if (h != null && h.getTotalCount() > 0) {
            for (HistogramIterationValue v : h.percentiles(TICKS_PER_HALF)) {
                double p = v.getPercentileLevelIteratedTo();
                if (p >= 100.0) {
                    break;
                }
                points.add(new double[] {p, h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0});
            }
        }
        double[] ps = new double[points.size()];
        double[] ms = new double[points.size()];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = points.get(i)[0];
            ms[i] = points.get(i)[1];
        }
        return new Distribution(ps, ms);
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
