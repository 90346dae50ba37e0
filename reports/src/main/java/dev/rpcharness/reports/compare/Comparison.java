package dev.rpcharness.reports.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares the JSON summary of this run with a previous run's, scenario by scenario (matched by name): rate, p99,
 * errors, verdict, and for every chaos step present in both (matched by position and label) its errors, the time
 * until errors were back to zero and the time until a returning provider served again. A figure regresses when it
 * gets worse by more than the tolerance (relative) and by more than a floor that keeps noise out: 1 ms for p99,
 * 5 calls for error counts, 1 s (the logs' resolution) for recovery times; a verdict regresses from pass to fail.
 * Immutable.
 */
public final class Comparison {

    private static final double P99_FLOOR_MS = 1.0;
    private static final double ERRORS_FLOOR = 5;
    private static final double SECONDS_FLOOR = 1.0;

    private final String baseline;
    private final double tolerance;
    private final List<Change> changes;

    private Comparison(String baseline, double tolerance, List<Change> changes) {
        this.baseline = baseline;
        this.tolerance = tolerance;
        this.changes = List.copyOf(changes);
    }

    /**
     * Compares {@code current} with {@code previous}, both in the format of the report's JSON summary.
     *
     * @param baseline  what to call the previous run in the output (its path)
     * @param tolerance allowed relative worsening, e.g. 0.25 for 25%
     * @throws IllegalArgumentException when the tolerance is negative
     */
    public static Comparison of(String baseline, JsonNode previous, JsonNode current, double tolerance) {
        if (tolerance < 0 || Double.isNaN(tolerance)) {
            throw new IllegalArgumentException("tolerance must be 0 or more, was " + tolerance);
        }
        List<Change> changes = new ArrayList<>();
        for (JsonNode now : current.path("scenarios")) {
            String name = now.path("name").asText();
            JsonNode before = find(previous.path("scenarios"), name);
            if (before == null) {
                changes.add(new Change(name, "new scenario (no previous figures)", null, null, false));
                continue;
            }
            boolean wasPass = "pass".equals(before.path("verdict").asText());
            boolean isFail = "fail".equals(now.path("verdict").asText());
            changes.add(new Change(name, "verdict " + before.path("verdict").asText() + " -> "
                    + now.path("verdict").asText(), null, null, wasPass && isFail));
            double t = tolerance;
            changes.add(lower(name, "rate calls/s", num(before, "rate"), num(now, "rate"), t));
            changes.add(higher(name, "p99 ms", num(before, "p99Ms"), num(now, "p99Ms"), t, P99_FLOOR_MS));
            changes.add(higher(name, "errors", num(before, "errors"), num(now, "errors"), t, ERRORS_FLOOR));
            JsonNode stepsBefore = before.path("recovery");
            JsonNode stepsNow = now.path("recovery");
            for (int i = 0; i < stepsNow.size() && i < stepsBefore.size(); i++) {
                JsonNode b = stepsBefore.get(i);
                JsonNode a = stepsNow.get(i);
                String label = a.path("step").asText();
                if (!label.equals(b.path("step").asText())) {
                    continue;
                }
                changes.add(higher(name, label + ": errors", num(b, "errors"), num(a, "errors"), t,
                        ERRORS_FLOOR));
                changes.add(higher(name, label + ": errors back to zero after s", num(b, "errorsEndedAfterS"),
                        num(a, "errorsEndedAfterS"), t, SECONDS_FLOOR));
                boolean recoveredBefore = b.path("recovered").asBoolean(true);
                boolean recoveredNow = a.path("recovered").asBoolean(true);
                changes.add(new Change(name, label + ": errors back to zero (1 yes, 0 no)",
                        recoveredBefore ? 1.0 : 0.0, recoveredNow ? 1.0 : 0.0, recoveredBefore && !recoveredNow));
                changes.add(higher(name, label + ": traffic back after s", num(b, "trafficBackAfterS"),
                        num(a, "trafficBackAfterS"), t, SECONDS_FLOOR));
            }
        }
        return new Comparison(baseline, tolerance, changes);
    }

    private static JsonNode find(JsonNode scenarios, String name) {
        for (JsonNode s : scenarios) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        return null;
    }

    private static Double num(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() ? null : v.asDouble();
    }

    private static Change lower(String scenario, String metric, Double before, Double after, double tol) {
        boolean worse = before != null && after != null && after < before * (1 - tol);
        return new Change(scenario, metric, before, after, worse);
    }

    private static Change higher(String scenario, String metric, Double before, Double after, double tol,
            double floor) {
        boolean worse;
        if (before == null || after == null) {
            // A figure that appears (errors that never stopped have no "back to zero") is not judged here.
            worse = false;
        } else {
            worse = after > before * (1 + tol) && after - before > floor;
        }
        return new Change(scenario, metric, before, after, worse);
    }

    /** Where the previous figures came from. */
    public String baseline() {
        return baseline;
    }

    public double tolerance() {
        return tolerance;
    }

    /** Every compared figure, scenario by scenario. */
    public List<Change> changes() {
        return changes;
    }

    /** The figures that regressed. */
    public List<Change> regressions() {
        return changes.stream().filter(Change::regression).toList();
    }
}
