package dev.rpcharness.reports.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcharness.reports.analysis.Recovery;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.compare.Change;
import dev.rpcharness.reports.compare.Comparison;
import dev.rpcharness.reports.run.Assertion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON summary of a report ({@code rpc-report.json}): per scenario its verdict, rate, percentiles, errors by
 * class, assertions and recovery figures; and the comparison with a previous run when there was one. It is also
 * what the next run compares itself with. Stateless.
 */
public final class SummaryJson {

    /** Identifies the format, so a reader can refuse what it does not know. */
    public static final String FORMAT = "rpc-harness-report/1";

    private SummaryJson() {
    }

    /** The summary of {@code scenarios}, with {@code comparison} when not null. */
    public static ObjectNode of(List<ScenarioAnalysis> scenarios, Comparison comparison, Instant generatedAt,
            ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("generatedAt", generatedAt.toString());
        ArrayNode list = root.putArray("scenarios");
        for (ScenarioAnalysis a : scenarios) {
            list.add(scenario(a, mapper));
        }
        if (comparison != null) {
            ObjectNode c = root.putObject("comparison");
            c.put("baseline", comparison.baseline());
            c.put("tolerance", comparison.tolerance());
            ArrayNode changes = c.putArray("changes");
            for (Change ch : comparison.changes()) {
                ObjectNode n = changes.addObject();
                n.put("scenario", ch.scenario());
                n.put("metric", ch.metric());
                putNullable(n, "before", ch.before());
                putNullable(n, "after", ch.after());
                n.put("regression", ch.regression());
            }
            c.put("regressions", comparison.regressions().size());
        }
        return root;
    }

    static ObjectNode scenario(ScenarioAnalysis a, ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode();
        n.put("name", a.run().name());
        n.put("title", a.run().title());
        n.put("verdict", a.verdict().label());
        n.put("page", Pages.fileName(a));
        ArrayNode folders = n.putArray("folders");
        for (Path f : a.run().folders()) {
            folders.add(f.toAbsolutePath().normalize().toString());
        }
        n.put("startEpochMillis", a.run().t0Millis());
        n.put("seconds", a.seconds());
        n.put("calls", a.calls());
        n.put("ok", a.okCount());
        n.put("errors", a.errors());
        n.put("rate", ChartData.round(a.rate()));
        n.put("p50Ms", ChartData.round(a.percentileMillis(50)));
        n.put("p99Ms", ChartData.round(a.percentileMillis(99)));
        n.put("p999Ms", ChartData.round(a.percentileMillis(99.9)));
        n.put("maxMs", ChartData.round(a.maxMillis()));
        a.attempts().ifPresent(at -> {
            n.put("attemptsPerCall", ChartData.round(at.amplification()));
            n.put("attemptsPerCallPeak", ChartData.round(at.peak(10)));
            n.put("retriesRefused", at.refused());
        });
        ObjectNode byClass = n.putObject("errorsByClass");
        a.errorsByClass().forEach(byClass::put);
        ArrayNode assertions = n.putArray("assertions");
        for (Assertion as : a.run().assertions()) {
            assertions.addObject().put("text", as.text()).put("passed", as.passed());
        }
        ArrayNode rec = n.putArray("recovery");
        for (Recovery r : a.recoveries()) {
            ObjectNode o = rec.addObject();
            o.put("step", r.step().label());
            o.put("kind", r.step().kind());
            o.put("subject", r.step().subject());
            putNullable(o, "startS", ChartData.round(r.step().start()));
            putNullable(o, "endS", r.step().end() == null ? null : ChartData.round(r.step().end()));
            o.put("errors", r.errors());
            ObjectNode c = o.putObject("errorsByClass");
            for (Map.Entry<String, Long> e : r.errorsByClass().entrySet()) {
                c.put(e.getKey(), e.getValue());
            }
            putNullable(o, "firstErrorAfterS", r.firstErrorAfter());
            putNullable(o, "errorsEndedAfterS", r.errorsEndedAfter());
            putNullable(o, "errorsEndedAfterStepEndS", r.errorsEndedAfterStepEnd());
            o.put("recovered", r.recovered());
            putNullable(o, "trafficBackAfterS", r.trafficBackAfter());
            o.put("trafficReturned", r.trafficReturned());
            o.put("failSpeed", r.failSpeed());
            o.put("failedAtOnce", r.failedAtOnce());
            o.put("failedSlowly", r.failedSlowly());
            putNullable(o, "failedP50Ms", r.failedP50Millis());
            putNullable(o, "failedMaxMs", r.failedMaxMillis());
        }
        return n;
    }

    private static void putNullable(ObjectNode n, String field, Double v) {
        if (v == null) {
            n.putNull(field);
        } else {
            n.put(field, ChartData.round(v));
        }
    }
}
