package dev.rpcharness.reports.render;

import dev.rpcharness.reports.analysis.Recovery;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.compare.Change;
import dev.rpcharness.reports.compare.Comparison;
import dev.rpcharness.reports.run.HistoryCounts;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The Markdown summary of a report, for CI logs: one table of scenarios, recoveries, regressions. Stateless. */
public final class MarkdownSummary {

    private MarkdownSummary() {
    }

    /** The summary of {@code scenarios}; {@code comparison} may be null. */
    public static String render(List<ScenarioAnalysis> scenarios, Comparison comparison, String indexLink) {
        StringBuilder m = new StringBuilder();
        m.append("## RPC Harness resilience report\n\n");
        if (indexLink != null) {
            m.append("Pages: ").append(indexLink).append("\n\n");
        }
        m.append("| scenario | verdict | calls | rate /s | p50 ms | p99 ms | max ms | errors |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (ScenarioAnalysis a : scenarios) {
            m.append("| ").append(a.run().title()).append(" | ").append(a.verdict().label()).append(" | ")
                    .append(a.calls()).append(" | ").append(Html.num(a.rate(), 1)).append(" | ")
                    .append(Html.ms(a.percentileMillis(50))).append(" | ").append(Html.ms(a.percentileMillis(99)))
                    .append(" | ").append(Html.ms(a.maxMillis())).append(" | ").append(Pages.errors(a.errorsByClass()))
                    .append(" |\n");
        }
        boolean any = scenarios.stream().anyMatch(a -> !a.recoveries().isEmpty());
        if (any) {
            m.append("\nRecovery (seconds, upper bounds at 1 s resolution):\n\n");
            for (ScenarioAnalysis a : scenarios) {
                for (Recovery r : a.recoveries()) {
                    m.append("- ").append(a.run().title()).append(", ").append(Pages.recovery(r)).append('\n');
                }
            }
        }
        boolean amplified = false;
        for (ScenarioAnalysis a : scenarios) {
            if (a.attempts().isPresent()) {
                if (!amplified) {
                    m.append("\nAttempts per call (amplification: attempts sent per call ended; docs/call-policies.md):"
                            + "\n\n");
                    amplified = true;
                }
                var at = a.attempts().get();
                m.append("- ").append(a.run().title()).append(": ").append(Html.num(at.amplification(), 3))
                        .append(" over the run, peak second ").append(Html.num(at.peak(10), 2)).append(", ")
                        .append(at.refused()).append(" retries refused by the budget\n");
            }
        }
        boolean histories = false;
        for (ScenarioAnalysis a : scenarios) {
            Optional<HistoryCounts> counts = HistoryCounts.read(a.run().folders());
            if (counts.isPresent()) {
                if (!histories) {
                    m.append("\nCall history (docs/history.md): ok / fail / info per scenario:\n\n");
                    histories = true;
                }
                m.append("- ").append(a.run().title()).append(": ").append(counts.get().line()).append('\n');
                for (String step : HistoryCounts.perStep(a.run().folders())) {
                    m.append("  - ").append(step).append('\n');
                }
            }
        }
        if (comparison != null) {
            List<Change> reg = comparison.regressions();
            m.append("\nCompared with ").append(comparison.baseline()).append(" (tolerance ")
                    .append(Html.num(100 * comparison.tolerance(), 0)).append("%): ").append(reg.size())
                    .append(" regression").append(reg.size() == 1 ? "" : "s").append("\n\n");
            m.append("| scenario | figure | before | now | change |\n|---|---|---:|---:|---:|\n");
            for (Change ch : comparison.changes()) {
                if (ch.before() == null && ch.after() == null && !ch.regression()
                        && !ch.metric().startsWith("new")) {
                    continue;
                }
                m.append("| ").append(ch.scenario()).append(" | ").append(ch.metric())
                        .append(ch.regression() ? " **REGRESSION**" : "").append(" | ")
                        .append(Html.figure(ch.before())).append(" | ")
                        .append(Html.figure(ch.after())).append(" | ")
                        .append(ch.relative() == null ? "-" : String.format(Locale.ROOT, "%+.0f%%",
                                100 * ch.relative())).append(" |\n");
            }
        }
        return m.toString();
    }
}
