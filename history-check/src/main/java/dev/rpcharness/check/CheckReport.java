package dev.rpcharness.check;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link HistoryChecker} found in one history: counts of ok / fail / info calls, for the info calls whether
 * the provider's log shows they ran, the calls written to a provider the timeline shows frozen or crashed (flagged,
 * not a violation: a client cannot know before it notices), and the violations. Counts are exact; the flagged calls
 * and the violations are listed up to the checker's sample limit (the first ones found), so a report's size does
 * not grow with the history. Immutable.
 *
 * @param source          the history checked (a file name)
 * @param calls           calls in the history
 * @param ok              calls that ended with a result
 * @param fail            calls that definitely failed (an error answer, never written, or written and dropped
 *                        unrun by a provider that read it after the caller's deadline)
 * @param info            indeterminate calls
 * @param infoRan         info calls the provider's log shows it executed
 * @param infoNotRan      info calls the provider's complete log does not hold: they did not run
 * @param infoUnknown     info calls with no log to ask (external provider, overflowed log, never written)
 * @param open            calls with no end (a violation when the run is over)
 * @param flaggedCount    calls written to a provider while the timeline shows it frozen or crashed
 * @param flagged         the first of those, described
 * @param violationCount  broken rules
 * @param violations      the first of them, in the order found
 */
public record CheckReport(String source, long calls, long ok, long fail, long info, long infoRan, long infoNotRan,
                          long infoUnknown, long open, long flaggedCount, List<String> flagged, long violationCount,
                          List<Violation> violations) {

    public CheckReport {
        flagged = List.copyOf(flagged);
        violations = List.copyOf(violations);
    }

    public boolean passed() {
        return violationCount == 0;
    }

    /** One line: counts and the number of violations. */
    public String summary() {
        return source + ": " + calls + " calls: ok " + ok + ", fail " + fail + ", info " + info + " (ran " + infoRan
                + ", did not run " + infoNotRan + ", unknown " + infoUnknown + "), open " + open + "; "
                + flaggedCount + " flagged (sent to a frozen or crashed provider); " + violationCount
                + " violation(s)";
    }

    /** The summary and the violations listed (the first 50), one per line. */
    public String describe() {
        String list = violations.stream().limit(50).map(v -> "  - " + v).collect(Collectors.joining("\n"));
        long shown = Math.min(50, violations.size());
        return summary() + (violations.isEmpty() ? "" : "\n" + list
                + (violationCount > shown ? "\n  ... and " + (violationCount - shown) + " more" : ""));
    }

    /** One JSON object with the counts (for a run folder and the reports). */
    public String toJson() {
        return "{\"source\":\"" + source.replace("\\", "/").replace("\"", "'") + "\",\"calls\":" + calls
                + ",\"ok\":" + ok + ",\"fail\":" + fail + ",\"info\":" + info + ",\"infoRan\":" + infoRan
                + ",\"infoNotRan\":" + infoNotRan + ",\"infoUnknown\":" + infoUnknown + ",\"open\":" + open
                + ",\"flagged\":" + flaggedCount + ",\"violations\":" + violationCount + "}";
    }
}
