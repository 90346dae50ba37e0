package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.provider.fault.FaultPlan;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The chaos steps of a scenario: {@code chaos("crash provider 2").crash(2)}. Provider indexes are 0-based, as in
 * {@link RpcCluster#provider(int)}. Each step acts through the {@link RpcCluster}, so it lands on the cluster's
 * timeline with its time. Steps run one at a time on the target's chaos thread, never on Gatling's event loops;
 * the virtual user goes on when its step has finished.
 */
public final class ChaosStepBuilder {

    private final String name;

    ChaosStepBuilder(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("chaos step name is empty");
        }
        this.name = name;
    }

    /** Crashes provider {@code index}: connections reset, no more listening; its node stays until expiry. */
    public ChaosActionBuilder crash(int index) {
        return step(c -> c.crash(index));
    }

    /** Freezes provider {@code index}: sockets stay open, nothing is read or answered. */
    public ChaosActionBuilder freeze(int index) {
        return step(c -> c.freeze(index));
    }

    /** Thaws provider {@code index} after a freeze. */
    public ChaosActionBuilder thaw(int index) {
        return step(c -> c.thaw(index));
    }

    /** Stops provider {@code index} gracefully: deregister, drain, close. */
    public ChaosActionBuilder stop(int index) {
        return step(c -> c.stop(index));
    }

    /** Restarts provider {@code index} on its port; it registers again. */
    public ChaosActionBuilder restart(int index) {
        return step(c -> c.restart(index));
    }

    /** Expires provider {@code index}'s ZooKeeper session, so its node really disappears. */
    public ChaosActionBuilder expireSession(int index) {
        return step(c -> c.expireSession(index));
    }

    /** Stops the embedded ZooKeeper. */
    public ChaosActionBuilder stopZooKeeper() {
        return step(RpcCluster::stopZooKeeper);
    }

    /** Restarts the embedded ZooKeeper on its ports with its data. */
    public ChaosActionBuilder restartZooKeeper() {
        return step(RpcCluster::restartZooKeeper);
    }

    /** Replaces provider {@code index}'s fault plan while traffic flows. */
    public ChaosActionBuilder faultPlan(int index, FaultPlan plan) {
        Objects.requireNonNull(plan, "plan");
        return step(c -> c.faultPlan(index, plan));
    }

    /** Any other step on the cluster; it should record itself on the timeline ({@link RpcCluster#record}). */
    public ChaosActionBuilder run(Consumer<RpcCluster> step) {
        return step(Objects.requireNonNull(step, "step"));
    }

    private ChaosActionBuilder step(Consumer<RpcCluster> step) {
        return new ChaosActionBuilder(name, step);
    }
}
