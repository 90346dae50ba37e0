package dev.rpcharness.reports.analysis;

import dev.rpcharness.reports.run.Bucket;
import dev.rpcharness.reports.run.ScenarioRun;
import dev.rpcharness.reports.run.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Computes the {@link Recovery} of every chaos step of a run. Stateless. */
public final class RecoveryAnalysis {

    /** A failed call that ended faster than this (100 ms) failed "at once"; a slower one waited (timeout, budget). */
    public static final long AT_ONCE_MICROS = 100_000;

    private RecoveryAnalysis() {
    }

    /**
     * One recovery per chaos step of {@code steps} (sorted by start), in the same order; each counted until the
     * next chaos step starts. Steps that are not {@linkplain ChaosStep#chaos() chaos} are left out.
     */
    public static List<Recovery> of(ScenarioRun run, List<ChaosStep> all) {
        List<ChaosStep> steps = all.stream().filter(ChaosStep::chaos).toList();
        List<Recovery> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Double nextStart = i + 1 < steps.size() ? steps.get(i + 1).start() : null;
            out.add(one(run, steps.get(i), nextStart));
        }
        return out;
    }

    private static Recovery one(ScenarioRun run, ChaosStep step, Double nextStart) {
        List<Bucket> buckets = run.buckets();
        int n = buckets.size();
        int first = clamp((int) Math.floor(step.start()), n);
        int last = nextStart == null ? n - 1 : Math.max(first, clamp((int) Math.floor(nextStart) - 1, n));
        Map<String, Long> byClass = new LinkedHashMap<>();
        long errors = 0;
        int firstError = -1;
        int lastError = -1;
        Histogram failed = null;
        for (int k = first; k <= last && k < n; k++) {
            long inSecond = 0;
            for (Map.Entry<Tag, Histogram> e : buckets.get(k).histograms().entrySet()) {
                Tag t = e.getKey();
                if (!t.allProviders() || !t.failed()) {
                    continue;
                }
                long c = e.getValue().getTotalCount();
                inSecond += c;
                byClass.merge(t.outcome(), c, Long::sum);
                if (failed == null) {
                    failed = new Histogram(e.getValue().getNumberOfSignificantValueDigits());
                }
                failed.add(e.getValue());
            }
            if (inSecond > 0) {
                errors += inSecond;
                firstError = firstError < 0 ? k : firstError;
                lastError = k;
            }
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        Outcomes.ordered(byClass.keySet()).forEach(c -> ordered.put(c, byClass.get(c)));
        Double firstAfter = firstError < 0 ? null : Math.max(0, firstError + 1 - step.start());
        Double endedAfter = lastError < 0 ? null : Math.max(0, lastError + 1 - step.start());
        boolean recovered = lastError < 0 || lastError < Math.min(last, n - 1);
        Double trafficBack = null;
        boolean returned = false;
        if (step.providerReturns()) {
            for (int k = clamp((int) Math.floor(step.end()), n); k < n && k >= 0; k++) {
                if (answered(buckets.get(k), step.address())) {
                    trafficBack = Math.max(0, k + 1 - step.end());
                    returned = true;
                    break;
                }
            }
        }
        long atOnce = 0;
        long slowly = 0;
        Double p50 = null;
        Double max = null;
        if (failed != null && failed.getTotalCount() > 0) {
            atOnce = failed.getCountBetweenValues(0, AT_ONCE_MICROS - 1);
            slowly = failed.getTotalCount() - atOnce;
            p50 = SecondSeries.millis(failed.getValueAtPercentile(50));
            max = SecondSeries.millis(failed.getMaxValue());
        }
        return new Recovery(step, errors, ordered, firstAfter, endedAfter, recovered, trafficBack, returned, atOnce,
                slowly, p50, max);
    }

    private static boolean answered(Bucket b, String address) {
        for (Map.Entry<Tag, Histogram> e : b.histograms().entrySet()) {
            Tag t = e.getKey();
            if (address.equals(t.provider()) && !t.failed() && e.getValue().getTotalCount() > 0) {
                return true;
            }
        }
        return false;
    }

    private static int clamp(int k, int n) {
        return Math.max(0, Math.min(k, Math.max(0, n - 1)));
    }
}
