package dev.rpcharness.reports.compare;

/**
 * One figure of one scenario in this run against the previous run. Immutable.
 *
 * @param scenario   the scenario's name
 * @param metric     what was compared, e.g. {@code rate}, {@code p99 ms}, {@code p1 crashed: errors back to zero s}
 * @param before     the previous run's value, or null when it had none
 * @param after      this run's value, or null when it has none
 * @param regression true when it got worse beyond the tolerance
 */
public record Change(String scenario, String metric, Double before, Double after, boolean regression) {

    /** Relative change from before to after, or null when not computable. */
    public Double relative() {
        if (before == null || after == null || before == 0) {
            return null;
        }
        return (after - before) / Math.abs(before);
    }
}
