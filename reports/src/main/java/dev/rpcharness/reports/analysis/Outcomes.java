package dev.rpcharness.reports.analysis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The error classes of a run in the order the report shows them, known ones first. Stateless. */
public final class Outcomes {

    /** The failure outcomes the load recorder writes, in report order. */
    public static final List<String> KNOWN_ERRORS = List.of("timeout", "connection-lost", "no-provider",
            "remote-error", "protocol-error", "overload", "client-closed", "other-error");

    private Outcomes() {
    }

    /** {@code seen} error classes sorted: known ones in {@link #KNOWN_ERRORS} order, then others by name. */
    public static List<String> ordered(Collection<String> seen) {
        List<String> out = new ArrayList<>();
        for (String k : KNOWN_ERRORS) {
            if (seen.contains(k)) {
                out.add(k);
            }
        }
        seen.stream().filter(s -> !KNOWN_ERRORS.contains(s)).sorted().forEach(out::add);
        return out;
    }
}
