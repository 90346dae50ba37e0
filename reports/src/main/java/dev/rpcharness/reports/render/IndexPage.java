package dev.rpcharness.reports.render;

import dev.rpcharness.reports.analysis.Recovery;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.compare.Change;
import dev.rpcharness.reports.compare.Comparison;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The index page of a report: one row per scenario, then the comparison with the previous run. Stateless. */
public final class IndexPage {

    private IndexPage() {
    }

    /** The index of {@code scenarios}, written into {@code outDir}; {@code comparison} may be null. */
    public static String render(List<ScenarioAnalysis> scenarios, Comparison comparison, Path outDir,
            ChartAssets assets, Instant generatedAt) {
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n<title>RPC Harness resilience report</title>\n<style>\n").append(assets.css())
                .append("\n</style>\n</head>\n<body>\n<h1>RPC Harness resilience report</h1>\n")
                .append("<p class=\"note\">Generated ").append(generatedAt).append(" &middot; ")
                .append(scenarios.size()).append(" scenario").append(scenarios.size() == 1 ? "" : "s")
                .append(" &middot; <a href=\"rpc-report.md\">Markdown</a> &middot; ")
                .append("<a href=\"rpc-report.json\">JSON</a></p>\n");
        h.append("<table id=\"scenarios\"><thead><tr><th>scenario</th><th>verdict</th><th>calls</th>"
                + "<th>rate (/s)</th><th>p50 (ms)</th><th>p99 (ms)</th><th>max (ms)</th><th>errors</th>"
                + "<th>recovery</th><th>Gatling</th></tr></thead><tbody>\n");
        for (ScenarioAnalysis a : scenarios) {
            h.append("<tr><td><a class=\"scenario-link\" href=\"").append(Html.esc(Pages.fileName(a))).append("\">")
                    .append(Html.esc(a.run().title())).append("</a></td><td><span class=\"verdict verdict-")
                    .append(a.verdict().label()).append("\">").append(a.verdict().label()).append("</span></td>");
            num(h, String.valueOf(a.calls()));
            num(h, Html.num(a.rate(), 1));
            num(h, Html.ms(a.percentileMillis(50)));
            num(h, Html.ms(a.percentileMillis(99)));
            num(h, Html.ms(a.maxMillis()));
            h.append("<td>").append(Html.esc(Pages.errors(a.errorsByClass()))).append("</td><td>");
            if (a.recoveries().isEmpty()) {
                h.append("no chaos");
            }
            for (Recovery r : a.recoveries()) {
                h.append(Html.esc(Pages.recovery(r))).append("<br>");
            }
            h.append("</td><td>");
            for (Path page : a.run().gatlingPages()) {
                h.append("<a href=\"").append(Html.esc(Pages.link(outDir, page))).append("\">index.html</a> ");
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        comparison(h, comparison);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void comparison(StringBuilder h, Comparison c) {
        h.append("<h2>Compared with the previous run</h2>\n");
        if (c == null) {
            h.append("<p class=\"note\">No previous run to compare with.</p>\n");
            return;
        }
        h.append("<p class=\"note\">Previous: <code>").append(Html.esc(c.baseline())).append("</code>; tolerance ")
                .append(Html.num(100 * c.tolerance(), 0)).append("%; ").append(c.regressions().size())
                .append(" regression").append(c.regressions().size() == 1 ? "" : "s").append(".</p>\n");
        h.append("<table id=\"comparison\"><thead><tr><th>scenario</th><th>figure</th><th>before</th><th>now</th>"
                + "<th>change</th><th></th></tr></thead><tbody>\n");
        for (Change ch : c.changes()) {
            h.append("<tr").append(ch.regression() ? " class=\"regression\"" : "").append("><td>")
                    .append(Html.esc(ch.scenario())).append("</td><td>").append(Html.esc(ch.metric())).append("</td>");
            num(h, Html.figure(ch.before()));
            num(h, Html.figure(ch.after()));
            num(h, ch.relative() == null ? "-" : String.format(java.util.Locale.ROOT, "%+.0f%%",
                    100 * ch.relative()));
            h.append("<td>").append(ch.regression() ? "<span class=\"ko\">regression</span>" : "").append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void num(StringBuilder h, String v) {
        h.append("<td class=\"num\">").append(Html.esc(v)).append("</td>");
    }
}
