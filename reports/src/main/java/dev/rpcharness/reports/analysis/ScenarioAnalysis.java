package dev.rpcharness.reports.analysis;

import dev.rpcharness.reports.run.Assertion;
import dev.rpcharness.reports.run.AttemptSeries;
import dev.rpcharness.reports.run.Bucket;
import dev.rpcharness.reports.run.ScenarioRun;
import dev.rpcharness.reports.run.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * Everything the report says about one scenario: its run, per-second series, chaos steps, recovery figures,
 * whole-run distribution and totals. Computed once by {@link #of}; immutable.
 */
public final class ScenarioAnalysis {

    /** The scenario's verdict from Gatling's assertions. */
    public enum Verdict {
        /** Every assertion held. */
        PASS,
        /** At least one assertion broke. */
        FAIL,
        /** No assertion was found (no Gatling report beside the run files). */
        UNKNOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final ScenarioRun run;
    private final SecondSeries series;
    private final Optional<AttemptSeries> attempts;
    private final List<ChaosStep> steps;
    private final List<Recovery> recoveries;
    private final Map<String, String> providerNames;
    private final Histogram all;
    private final Histogram ok;
    private final Map<String, Long> errorsByClass;
    private final double seconds;

    private ScenarioAnalysis(ScenarioRun run) {
        this.run = run;
        this.series = SecondSeries.of(run);
        this.attempts = AttemptSeries.read(run.folders(), run.t0Millis(), run.buckets().size());
        this.steps = ChaosSteps.of(run);
        this.recoveries = RecoveryAnalysis.of(run, steps);
        this.providerNames = ChaosSteps.providerNames(run);
        this.all = new Histogram(3);
        this.ok = new Histogram(3);
        Map<String, Long> byClass = new LinkedHashMap<>();
        int firstBusy = -1;
        int lastBusy = -1;
        for (Bucket b : run.buckets()) {
            for (Map.Entry<Tag, Histogram> e : b.histograms().entrySet()) {
                Tag t = e.getKey();
                if (!t.allProviders() || e.getValue().getTotalCount() == 0) {
                    continue;
                }
                all.add(e.getValue());
                if (t.failed()) {
                    byClass.merge(t.outcome(), e.getValue().getTotalCount(), Long::sum);
                } else {
                    ok.add(e.getValue());
                }
                firstBusy = firstBusy < 0 ? b.index() : firstBusy;
                lastBusy = b.index();
            }
        }
        this.errorsByClass = new LinkedHashMap<>();
        Outcomes.ordered(byClass.keySet()).forEach(c -> errorsByClass.put(c, byClass.get(c)));
        this.seconds = firstBusy < 0 ? 0 : lastBusy - firstBusy + 1;
    }

    /** Analyses {@code run}. */
    public static ScenarioAnalysis of(ScenarioRun run) {
        return new ScenarioAnalysis(run);
    }

    public ScenarioRun run() {
        return run;
    }

    public SecondSeries series() {
        return series;
    }

    /** Attempts per call over time, when the run recorded them (rpc-attempts.csv). */
    public Optional<AttemptSeries> attempts() {
        return attempts;
    }

    public List<ChaosStep> steps() {
        return steps;
    }

    public List<Recovery> recoveries() {
        return recoveries;
    }

    /** Provider {@code host:port} to its name on the timeline ({@code p1}); empty for an external fleet. */
    public Map<String, String> providerNames() {
        return providerNames;
    }

    /** Latencies (µs) of every call of the run, whatever its outcome (a copy). */
    public Histogram allCalls() {
        return all.copy();
    }

    /** Latencies (µs) of the calls that returned a result (a copy). */
    public Histogram okCalls() {
        return ok.copy();
    }

    public long calls() {
        return all.getTotalCount();
    }

    public long okCount() {
        return ok.getTotalCount();
    }

    public long errors() {
        return calls() - okCount();
    }

    public Map<String, Long> errorsByClass() {
        return errorsByClass;
    }

    /** Seconds from the first to the last second in which calls ended. */
    public double seconds() {
        return seconds;
    }

    /** Calls per second over {@link #seconds()}. */
    public double rate() {
        return seconds > 0 ? calls() / seconds : 0;
    }

    /** Percentile {@code p} of every call's latency, ms; 0 when there was none. */
    public double percentileMillis(double p) {
        return all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(p) / 1000.0;
    }

    public double maxMillis() {
        return all.getTotalCount() == 0 ? 0 : all.getMaxValue() / 1000.0;
    }

    public Distribution distribution() {
        return Distribution.of(all);
    }

    /** The ok calls' distribution at the points of {@link #distribution()}, so both share one axis. */
    public Distribution okDistribution() {
        return Distribution.of(ok, Distribution.percentilesFor(all.getTotalCount()));
    }

    public Verdict verdict() {
        List<Assertion> a = run.assertions();
        if (a.isEmpty()) {
            return Verdict.UNKNOWN;
        }
        return a.stream().allMatch(Assertion::passed) ? Verdict.PASS : Verdict.FAIL;
    }
}
