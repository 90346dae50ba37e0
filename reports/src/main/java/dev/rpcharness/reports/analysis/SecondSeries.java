package dev.rpcharness.reports.analysis;

import dev.rpcharness.reports.run.Bucket;
import dev.rpcharness.reports.run.ScenarioRun;
import dev.rpcharness.reports.run.Tag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * The per-second series of a run, over the calls of every method: latency percentiles of all calls (whatever their
 * outcome), ok calls per second, failed calls per second by error class, and calls per second per provider (ok and
 * failed apart). Index {@code i} is second {@code i} of the run, plotted at its middle ({@link #x()}). Immutable.
 */
public final class SecondSeries {

    private final double[] x;
    private final Double[] p50;
    private final Double[] p99;
    private final Double[] p999;
    private final Double[] max;
    private final double[] ok;
    private final Map<String, double[]> errors;
    private final Map<String, double[]> providerOk;
    private final Map<String, double[]> providerFailed;

    private SecondSeries(int n, List<String> errorClasses, List<String> providers) {
        x = new double[n];
        p50 = new Double[n];
        p99 = new Double[n];
        p999 = new Double[n];
        max = new Double[n];
        ok = new double[n];
        errors = new LinkedHashMap<>();
        errorClasses.forEach(c -> errors.put(c, new double[n]));
        providerOk = new LinkedHashMap<>();
        providerFailed = new LinkedHashMap<>();
        for (String p : providers) {
            providerOk.put(p, new double[n]);
            providerFailed.put(p, new double[n]);
        }
    }

    /** Computes the series of {@code run}. */
    public static SecondSeries of(ScenarioRun run) {
        TreeSet<String> classes = new TreeSet<>();
        TreeSet<String> providers = new TreeSet<>();
        for (Bucket b : run.buckets()) {
            for (Tag t : b.histograms().keySet()) {
                if (t.allProviders() && t.failed()) {
                    classes.add(t.outcome());
                }
                if (!t.allProviders()) {
                    providers.add(t.provider());
                }
            }
        }
        List<Bucket> buckets = run.buckets();
        SecondSeries s = new SecondSeries(buckets.size(), Outcomes.ordered(classes), new ArrayList<>(providers));
        for (int i = 0; i < buckets.size(); i++) {
            s.x[i] = i + 0.5;
            Histogram all = null;
            for (Map.Entry<Tag, Histogram> e : buckets.get(i).histograms().entrySet()) {
                Tag t = e.getKey();
                long n = e.getValue().getTotalCount();
                if (t.allProviders()) {
                    if (all == null) {
                        all = new Histogram(e.getValue().getNumberOfSignificantValueDigits());
                    }
                    all.add(e.getValue());
                    if (t.failed()) {
                        s.errors.get(t.outcome())[i] += n;
                    } else {
                        s.ok[i] += n;
                    }
                } else {
                    (t.failed() ? s.providerFailed : s.providerOk).get(t.provider())[i] += n;
                }
            }
            if (all != null && all.getTotalCount() > 0) {
                s.p50[i] = millis(all.getValueAtPercentile(50));
                s.p99[i] = millis(all.getValueAtPercentile(99));
                s.p999[i] = millis(all.getValueAtPercentile(99.9));
                s.max[i] = millis(all.getMaxValue());
            }
        }
        return s;
    }

    static double millis(long micros) {
        return micros / 1000.0;
    }

    /** The middle of each second, in seconds since t0. */
    public double[] x() {
        return x.clone();
    }

    /** Median latency of the calls that ended in each second, ms; null where none ended. */
    public Double[] p50() {
        return p50.clone();
    }

    public Double[] p99() {
        return p99.clone();
    }

    public Double[] p999() {
        return p999.clone();
    }

    public Double[] max() {
        return max.clone();
    }

    /** Calls that returned a result, per second. */
    public double[] ok() {
        return ok.clone();
    }

    /** Failed calls per second, by error class in report order (copies). */
    public Map<String, double[]> errors() {
        return copy(errors);
    }

    /** Failed calls of every class, per second. */
    public double[] failed() {
        double[] sum = new double[x.length];
        errors.values().forEach(a -> {
            for (int i = 0; i < a.length; i++) {
                sum[i] += a[i];
            }
        });
        return sum;
    }

    /** Calls per second that provider (host:port, sorted) answered with a result. */
    public Map<String, double[]> providerOk() {
        return copy(providerOk);
    }

    /** Calls per second to that provider that failed. */
    public Map<String, double[]> providerFailed() {
        return copy(providerFailed);
    }

    private static Map<String, double[]> copy(Map<String, double[]> m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return Collections.unmodifiableMap(out);
    }
}
