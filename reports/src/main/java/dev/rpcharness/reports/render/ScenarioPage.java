package dev.rpcharness.reports.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.reports.analysis.Recovery;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.run.Assertion;
import dev.rpcharness.reports.run.ScenarioRun;
import dev.rpcharness.reports.run.TimelineEntry;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One scenario's self-contained HTML page: facts, four charts (latency, throughput and errors, traffic per provider,
 * percentile distribution; a fifth, attempts per call, when the run recorded them) with the chaos steps drawn on
 * the time charts, the recovery table, the assertions and
 * the timeline. The chart library, script, style and data are all inside the page, so it works offline from the
 * file system. Stateless.
 */
public final class ScenarioPage {

    private ScenarioPage() {
    }

    /** The file name of {@code a}'s page, e.g. {@code crashonesimulation.html}. */
    public static String fileName(ScenarioAnalysis a) {
        return Pages.fileName(a);
    }

    /**
     * The page of {@code a}, to be written into {@code outDir} (links to Gatling's pages are relative to it).
     */
    public static String render(ScenarioAnalysis a, Path outDir, ChartAssets assets, ObjectMapper mapper) {
        ScenarioRun run = a.run();
        StringBuilder h = new StringBuilder(256 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n")
                .append("<title>").append(Html.esc(run.title())).append(" - RPC Harness resilience report</title>\n")
                .append("<style>\n").append(assets.css()).append("\n</style>\n</head>\n<body>\n");
        h.append("<h1>").append(Html.esc(run.title())).append(" <span class=\"verdict verdict-")
                .append(a.verdict().label()).append("\" id=\"verdict\">").append(a.verdict().label())
                .append("</span></h1>\n");
        h.append("<p class=\"note\">Started ").append(Instant.ofEpochMilli(run.t0Millis()))
                .append(" &middot; <a href=\"index.html\">all scenarios of this report</a>");
        for (Path page : run.gatlingPages()) {
            h.append(" &middot; <a class=\"gatling-link\" href=\"").append(Html.esc(Pages.link(outDir, page)))
                    .append("\">Gatling's report")
                    .append(run.gatlingPages().size() > 1 ? " (" + Html.esc(page.getParent().getFileName()
                            .toString()) + ")" : "")
                    .append("</a>");
        }
        h.append("<br>Read from ");
        for (int i = 0; i < run.folders().size(); i++) {
            h.append(i == 0 ? "" : ", ").append("<code>").append(Html.esc(run.folders().get(i).toString()))
                    .append("</code>");
        }
        h.append(run.folders().size() > 1 ? " (merged: histograms added second by second, timelines by wall clock)"
                : "").append("</p>\n");
        if (run.traffic().size() > 1) {
            h.append("<table class=\"traffic\"><thead><tr><th>injector</th><th>calls</th><th>failed</th>")
                    .append("<th>share</th></tr></thead><tbody>\n");
            long all = Math.max(1, run.traffic().stream().mapToLong(ScenarioRun.Traffic::calls).sum());
            for (ScenarioRun.Traffic t : run.traffic()) {
                h.append("<tr><td>").append(Html.esc(t.source())).append("</td><td>").append(t.calls())
                        .append("</td><td>").append(t.failed()).append("</td><td>")
                        .append(Html.num(100.0 * t.calls() / all, 1)).append("%</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("<div class=\"facts\">");
        fact(h, "calls", String.valueOf(a.calls()));
        fact(h, "rate", Html.num(a.rate(), 1) + " /s");
        fact(h, "errors", a.errors() + (a.calls() > 0 ? " (" + Html.num(100.0 * a.errors() / a.calls(), 2) + "%)"
                : ""));
        fact(h, "p50", Html.ms(a.percentileMillis(50)) + " ms");
        fact(h, "p99", Html.ms(a.percentileMillis(99)) + " ms");
        fact(h, "p99.9", Html.ms(a.percentileMillis(99.9)) + " ms");
        fact(h, "max", Html.ms(a.maxMillis()) + " ms");
        fact(h, "errors by class", Pages.errors(a.errorsByClass()));
        a.attempts().ifPresent(at -> fact(h, "attempts per call", Html.num(at.amplification(), 3) + " (peak second "
                + Html.num(at.peak(10), 2) + ")"));
        h.append("</div>\n");
        h.append("<p class=\"note\">Shaded bands are chaos steps with a duration (crash to restart, freeze to thaw, "
                + "ZooKeeper down to up, a fault plan until replaced); dashed lines are instant steps. Each point is "
                + "one second of the HdrHistogram interval log.</p>\n");
        chart(h, "chart-latency", "Latency over time");
        chart(h, "chart-throughput", "Throughput and errors");
        chart(h, "chart-providers", "Traffic per provider");
        if (a.attempts().isPresent()) {
            chart(h, "chart-attempts", "Attempts per call (amplification)");
        }
        chart(h, "chart-distribution", "Percentile distribution");
        recoveryTable(h, a);
        assertionTable(h, a);
        timelineTable(h, run);
        String json;
        try {
            json = mapper.writeValueAsString(ChartData.of(a, mapper));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the chart data of " + run.name(), e);
        }
        h.append("<script type=\"application/json\" id=\"rpc-data\">").append(Html.scriptSafe(json))
                .append("</script>\n");
        h.append("<script>\n").append(assets.uplot()).append("\n</script>\n");
        h.append("<script>\n").append(assets.pageScript()).append("\n</script>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void fact(StringBuilder h, String name, String value) {
        h.append("<div>").append(Html.esc(name)).append("<b>").append(Html.esc(value)).append("</b></div>");
    }

    private static void chart(StringBuilder h, String id, String heading) {
        h.append("<h2>").append(heading).append("</h2>\n<div id=\"").append(id).append("\" class=\"chart\"></div>\n");
    }

    private static void recoveryTable(StringBuilder h, ScenarioAnalysis a) {
        h.append("<h2>Recovery per chaos step</h2>\n");
        if (a.recoveries().isEmpty()) {
            h.append("<p class=\"note\" id=\"no-chaos\">No chaos step in this run.</p>\n");
            return;
        }
        h.append("<p class=\"note\">Counted from each step's start until the next step begins. Times are upper "
                + "bounds at the log's one-second resolution: from the step's start, except \"serves again\", "
                + "counted from the provider's return (restart, thaw). A call failed at once when it ended within "
                + "100 ms.</p>\n");
        h.append("<table id=\"recovery\"><thead><tr><th>step</th><th>from (s)</th><th>to (s)</th><th>errors</th>"
                + "<th>first error within (s)</th><th>errors back to zero within (s)</th><th>after the step's end"
                + " (s)</th><th>serves again within (s)</th><th>how calls failed</th></tr></thead><tbody>\n");
        for (Recovery r : a.recoveries()) {
            h.append("<tr><td>").append(Html.esc(r.step().label())).append("</td>");
            num(h, Html.sec(r.step().start()));
            num(h, Html.sec(r.step().end()));
            h.append("<td>").append(r.errors()).append(r.errors() > 0 ? " (" + Html.esc(Pages.errors(
                    r.errorsByClass())) + ")" : "").append("</td>");
            num(h, Html.sec(r.firstErrorAfter()));
            if (r.errors() > 0 && !r.recovered()) {
                h.append("<td class=\"ko\">not back to zero</td>");
            } else {
                num(h, Html.sec(r.errorsEndedAfter()));
            }
            Double afterEnd = r.errorsEndedAfterStepEnd();
            num(h, afterEnd != null && afterEnd <= 0 ? "before the end" : Html.sec(afterEnd));
            if (!r.step().providerReturns()) {
                num(h, "-");
            } else if (r.trafficReturned()) {
                num(h, Html.sec(r.trafficBackAfter()));
            } else {
                h.append("<td class=\"ko\">never</td>");
            }
            h.append("<td>").append(r.failSpeed());
            if (r.failedP50Millis() != null) {
                h.append(" (p50 ").append(Html.ms(r.failedP50Millis())).append(" ms, max ")
                        .append(Html.ms(r.failedMaxMillis())).append(" ms)");
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void num(StringBuilder h, String v) {
        h.append("<td class=\"num\">").append(Html.esc(v)).append("</td>");
    }

    private static void assertionTable(StringBuilder h, ScenarioAnalysis a) {
        h.append("<h2>Assertions</h2>\n");
        if (a.run().assertions().isEmpty()) {
            h.append("<p class=\"note\">No Gatling report beside the run files, so no assertion to show.</p>\n");
            return;
        }
        h.append("<table id=\"assertions\"><thead><tr><th>assertion</th><th>status</th></tr></thead><tbody>\n");
        for (Assertion as : a.run().assertions()) {
            h.append("<tr><td>").append(Html.esc(as.text())).append("</td><td class=\"")
                    .append(as.passed() ? "ok\">pass" : "ko\">fail").append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void timelineTable(StringBuilder h, ScenarioRun run) {
        h.append("<h2>Timeline</h2>\n<table id=\"timeline\"><thead><tr><th>t (s)</th><th>wall time (UTC)</th>"
                + "<th>action</th><th>subject</th><th>detail</th>")
                .append(run.folders().size() > 1 ? "<th>from</th>" : "").append("</tr></thead><tbody>\n");
        for (TimelineEntry e : run.timeline()) {
            h.append("<tr>");
            num(h, Html.num(run.seconds(e.wallMillis()), 3));
            h.append("<td>").append(Instant.ofEpochMilli(e.wallMillis())).append("</td><td>")
                    .append(Html.esc(e.action())).append("</td><td>").append(Html.esc(e.subject()))
                    .append("</td><td>").append(Html.esc(e.detail())).append("</td>");
            if (run.folders().size() > 1) {
                h.append("<td>").append(Html.esc(e.source())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

}
