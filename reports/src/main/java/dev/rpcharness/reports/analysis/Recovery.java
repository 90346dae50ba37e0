package dev.rpcharness.reports.analysis;

import java.util.Map;

/**
 * What one chaos step did to the client, computed from the per-second data between the step's start and the next
 * step's start (its window). Times are in seconds and, since the latency log has one interval per second, are upper
 * bounds with a resolution of one second: "first error within 1 s" means the first failed call ended in the second
 * that ends 1 s after the step began. Immutable.
 *
 * @param step              the step
 * @param errors            failed calls in the window
 * @param errorsByClass     failed calls in the window by error class, report order
 * @param firstErrorAfter   seconds from the step's start to the end of the first second with a failed call, or
 *                          null when nothing failed
 * @param errorsEndedAfter  seconds from the step's start to the end of the last second with a failed call, or null
 *                          when nothing failed
 * @param recovered         true when nothing failed, or a second without failures followed the last failure within
 *                          the window (errors were back to zero)
 * @param trafficBackAfter  for a provider that came back (restart, thaw): seconds from its return to the end of the
 *                          first second in which it answered a call; null when not applicable or it never did
 * @param trafficReturned   true when such a provider answered again within the run (false when not applicable)
 * @param failedAtOnce      failed calls that ended in under {@value RecoveryAnalysis#AT_ONCE_MICROS} µs
 * @param failedSlowly      failed calls that took longer
 * @param failedP50Millis   median latency of the failed calls in ms, or null
 * @param failedMaxMillis   largest latency of a failed call in ms, or null
 */
public record Recovery(ChaosStep step, long errors, Map<String, Long> errorsByClass, Double firstErrorAfter,
        Double errorsEndedAfter, boolean recovered, Double trafficBackAfter, boolean trafficReturned,
        long failedAtOnce, long failedSlowly, Double failedP50Millis, Double failedMaxMillis) {

    public Recovery {
        errorsByClass = Map.copyOf(errorsByClass);
    }

    /**
     * How the failed calls failed, in words: {@code none}; {@code at once} (every one within 100 ms);
     * {@code at timeout} (every one slower, and all were timeouts); {@code slowly} (every one slower, not all
     * timeouts); or {@code mixed}.
     */
    public String failSpeed() {
        if (errors == 0) {
            return "none";
        }
        if (failedSlowly == 0) {
            return "at once";
        }
        if (failedAtOnce == 0) {
            return errorsByClass.keySet().equals(java.util.Set.of("timeout")) ? "at timeout" : "slowly";
        }
        return "mixed";
    }

    /** Seconds from the step's end (thaw, restart) until errors were back to zero; null for instants or no errors. */
    public Double errorsEndedAfterStepEnd() {
        if (errorsEndedAfter == null || step.end() == null) {
            return null;
        }
        return errorsEndedAfter - (step.end() - step.start());
    }
}
