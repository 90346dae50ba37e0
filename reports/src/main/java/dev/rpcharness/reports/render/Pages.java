package dev.rpcharness.reports.render;

import dev.rpcharness.reports.analysis.Recovery;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Names and short texts that several outputs share. Stateless. */
final class Pages {

    private Pages() {
    }

    /** The file name of a scenario's page: {@code <name>.html}, safe on every file system. */
    static String fileName(ScenarioAnalysis a) {
        return a.run().name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_") + ".html";
    }

    /** {@code target} relative to folder {@code from}, with forward slashes, for a link. */
    static String link(Path from, Path target) {
        Path rel = from.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize());
        return rel.toString().replace('\\', '/');
    }

    /** Errors by class in words, e.g. {@code 268 timeout, 3 connection-lost}; {@code none} when empty. */
    static String errors(Map<String, Long> byClass) {
        if (byClass.isEmpty()) {
            return "none";
        }
        StringJoiner j = new StringJoiner(", ");
        byClass.forEach((k, v) -> j.add(v + " " + k));
        return j.toString();
    }

    /** One recovery in a line, e.g. {@code p1 crashed: 3 errors (connection-lost), at once; back to zero <= 0.8 s}. */
    static String recovery(Recovery r) {
        StringBuilder b = new StringBuilder(r.step().label()).append(": ");
        if (r.errors() == 0) {
            b.append("no errors");
        } else {
            b.append(r.errors()).append(" errors (").append(String.join(", ", r.errorsByClass().keySet()))
                    .append("), failed ").append(r.failSpeed()).append("; first within ")
                    .append(Html.sec(r.firstErrorAfter())).append(" s; ")
                    .append(r.recovered() ? "back to zero within " + Html.sec(r.errorsEndedAfter()) + " s"
                            : "NOT back to zero");
        }
        if (r.step().providerReturns()) {
            b.append(r.trafficReturned() ? "; serves again within " + Html.sec(r.trafficBackAfter()) + " s"
                    : "; never served again");
        }
        return b.toString();
    }
}
