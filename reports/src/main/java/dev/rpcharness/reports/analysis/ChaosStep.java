package dev.rpcharness.reports.analysis;

/**
 * One chaos step of a run on the report's time axis (seconds since the run's t0): an interval (freeze to thaw,
 * crash to restart, ZooKeeper down to up, a fault plan until it is replaced) or an instant. Immutable.
 *
 * @param kind     the action that began it, e.g. {@code crash}, {@code freeze}, {@code zk-stop}
 * @param label    what a person reads on the chart, e.g. {@code p1 crashed}
 * @param subject  to whom it happened: a provider's name or {@code zookeeper}
 * @param address  {@code host:port} of the provider it hit, or null
 * @param start    seconds since t0
 * @param end      seconds since t0 when it ended (thaw, restart, ...), or null for an instant or a step that never
 *                 ended within the run
 * @param endKind  the action that ended it, or null
 * @param chaos    true for a step the harness performed (crash, freeze, zk-stop, ...); false for any other event
 *                 on the timeline (a routing event of the client, a user mark), which is drawn but has no recovery
 */
public record ChaosStep(String kind, String label, String subject, String address, double start, Double end,
        String endKind, boolean chaos) {

    /** True for a step with a duration, drawn as a band. */
    public boolean interval() {
        return end != null;
    }

    /** True when the step hit a provider that came back at its end (restart, thaw), so its traffic can return. */
    public boolean providerReturns() {
        return address != null && end != null && ("restart".equals(endKind) || "thaw".equals(endKind));
    }
}
