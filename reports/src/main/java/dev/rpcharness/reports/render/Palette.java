package dev.rpcharness.reports.render;

import java.util.List;
import java.util.Map;

/** The colours of the charts: one per latency percentile, error class and provider, readable on white. */
final class Palette {

    static final String OK = "#1a7f37";
    static final String P50 = "#1a7f37";
    static final String P99 = "#0969da";
    static final String P999 = "#8250df";
    static final String MAX = "#bc4c00";
    static final String ALL = "#0969da";
    private static final Map<String, String> ERRORS = Map.of(
            "timeout", "#e16f24", "connection-lost", "#cf222e", "no-provider", "#8250df",
            "remote-error", "#953800", "protocol-error", "#bf3989", "overload", "#9a6700",
            "client-closed", "#57606a", "other-error", "#24292f");
    private static final List<String> CYCLE = List.of("#0969da", "#1a7f37", "#bc4c00", "#8250df", "#bf3989",
            "#0a7b83", "#9a6700", "#57606a");

    private Palette() {
    }

    static String error(String outcome, int index) {
        return ERRORS.getOrDefault(outcome, CYCLE.get(index % CYCLE.size()));
    }

    static String provider(int index) {
        return CYCLE.get(index % CYCLE.size());
    }
}
