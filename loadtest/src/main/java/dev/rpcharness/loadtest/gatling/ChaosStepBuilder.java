package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.cluster.ClusterLinks;
import dev.rpcharness.cluster.LinkCut;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.TimelineAction;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The chaos steps of a scenario: {@code chaos().crash(2)}, or with a name of your own,
 * {@code chaos("crash provider 2").crash(2)}. Provider indexes are 0-based, as in {@link RpcCluster#provider(int)},
 * and provider {@code i} is named {@code p<i>} on the timeline ({@link TimelineAction#providerName}). Each step acts
 * through the {@link RpcCluster}, so it lands on the cluster's timeline with its time, under the
 * {@link TimelineAction} its method names (docs/timeline.md); an unnamed step is named after that action and its
 * subject, for example {@code crash p2}. Steps run one at a time on the target's chaos thread, never on Gatling's
 * event loops; the virtual user goes on when its step has finished.
 */
public final class ChaosStepBuilder {

    private final String name;

    /** @param name the step's name, or null to name each step after its timeline action and subject */
    ChaosStepBuilder(String name) {
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("chaos step name is empty");
        }
        this.name = name;
    }

    /**
     * Crashes provider {@code index}: connections reset, no more listening; its node stays until expiry. Timeline:
     * {@code crash}.
     */
    public ChaosActionBuilder crash(int index) {
        return step(TimelineAction.CRASH, TimelineAction.providerName(index), c -> c.crash(index));
    }

    /** Freezes provider {@code index}: sockets stay open, nothing is read or answered. Timeline: {@code freeze}. */
    public ChaosActionBuilder freeze(int index) {
        return step(TimelineAction.FREEZE, TimelineAction.providerName(index), c -> c.freeze(index));
    }

    /** Thaws provider {@code index} after a freeze. Timeline: {@code thaw}. */
    public ChaosActionBuilder thaw(int index) {
        return step(TimelineAction.THAW, TimelineAction.providerName(index), c -> c.thaw(index));
    }

    /** Stops provider {@code index} gracefully: deregister, drain, close. Timeline: {@code stop}. */
    public ChaosActionBuilder stop(int index) {
        return step(TimelineAction.STOP, TimelineAction.providerName(index), c -> c.stop(index));
    }

    /** Restarts provider {@code index} on its port; it registers again. Timeline: {@code restart}. */
    public ChaosActionBuilder restart(int index) {
        return step(TimelineAction.RESTART, TimelineAction.providerName(index), c -> c.restart(index));
    }

    /**
     * Expires provider {@code index}'s ZooKeeper session, so its node really disappears. Timeline:
     * {@code expire-session}.
     */
    public ChaosActionBuilder expireSession(int index) {
        return step(TimelineAction.EXPIRE_SESSION, TimelineAction.providerName(index), c -> c.expireSession(index));
    }

    /** Stops the embedded ZooKeeper. Timeline: {@code zk-stop}. */
    public ChaosActionBuilder stopZooKeeper() {
        return step(TimelineAction.ZK_STOP, RpcCluster.ZOOKEEPER, RpcCluster::stopZooKeeper);
    }

    /** Restarts the embedded ZooKeeper on its ports with its data. Timeline: {@code zk-restart}. */
    public ChaosActionBuilder restartZooKeeper() {
        return step(TimelineAction.ZK_RESTART, RpcCluster.ZOOKEEPER, RpcCluster::restartZooKeeper);
    }

    /** Replaces provider {@code index}'s fault plan while traffic flows. Timeline: {@code fault-plan}. */
    public ChaosActionBuilder faultPlan(int index, FaultPlan plan) {
        Objects.requireNonNull(plan, "plan");
        return step(TimelineAction.FAULT_PLAN, TimelineAction.providerName(index), c -> c.faultPlan(index, plan));
    }

    /**
     * Adds {@code toxic} to the link from the client to provider {@code index} (a cluster with {@code links(true)}).
     * Timeline: {@code link-toxic}, or {@code link-reset} for a toxic that closes connections.
     */
    public ChaosActionBuilder addToxic(int index, Toxic toxic) {
        Objects.requireNonNull(toxic, "toxic");
        String p = TimelineAction.providerName(index);
        return step(ClusterLinks.actionOf(toxic), p, c -> c.links().addToxic(c.links().clientToProvider(p), toxic));
    }

    /** Removes a toxic by name from the link to provider {@code index}. Timeline: {@code link-toxic-removed}. */
    public ChaosActionBuilder removeToxic(int index, String toxicName) {
        Objects.requireNonNull(toxicName, "toxicName");
        String p = TimelineAction.providerName(index);
        return step(TimelineAction.LINK_TOXIC_REMOVED, p,
                c -> c.links().removeToxic(c.links().clientToProvider(p), toxicName));
    }

    /** Partition: provider {@code index} cut from ZooKeeper (its session expires). Timeline: {@code link-cut}. */
    public ChaosActionBuilder cutProviderFromZooKeeper(int index) {
        String p = TimelineAction.providerName(index);
        return step(TimelineAction.LINK_CUT, p + "-zookeeper", c -> c.links().cutProviderFromZooKeeper(p));
    }

    /** Partition: the client cut from ZooKeeper (it keeps its providers). Timeline: {@code link-cut}. */
    public ChaosActionBuilder cutClientFromZooKeeper() {
        return step(TimelineAction.LINK_CUT, ClusterLinks.CLIENT_TO_ZOOKEEPER, c -> c.links().cutClientFromZooKeeper());
    }

    /** Partition: the client cut from provider {@code index} both ways (a black hole). Timeline: {@code link-cut}. */
    public ChaosActionBuilder cutClientFromProvider(int index) {
        return cut(index, LinkCut.BOTH_WAYS);
    }

    /** One-way cut: requests to provider {@code index} vanish. Timeline: {@code link-cut}. */
    public ChaosActionBuilder cutRequests(int index) {
        return cut(index, LinkCut.REQUESTS_VANISH);
    }

    /** One-way cut: answers of provider {@code index} vanish. Timeline: {@code link-cut}. */
    public ChaosActionBuilder cutAnswers(int index) {
        return cut(index, LinkCut.ANSWERS_VANISH);
    }

    /** Heals every link: toxics and cuts removed, links enabled. Timeline: {@code link-heal} per link healed. */
    public ChaosActionBuilder heal() {
        return step(TimelineAction.LINK_HEAL, "links", c -> c.links().heal());
    }

    private ChaosActionBuilder cut(int index, LinkCut how) {
        String p = TimelineAction.providerName(index);
        return step(TimelineAction.LINK_CUT, p, c -> c.links().cut(c.links().clientToProvider(p), how));
    }

    /** Any other step on the cluster; it should record itself on the timeline ({@link RpcCluster#record}). */
    public ChaosActionBuilder run(Consumer<RpcCluster> step) {
        Objects.requireNonNull(step, "step");
        if (name == null) {
            throw new IllegalStateException("chaos().run(step) needs a name: chaos(\"what it does\").run(step)");
        }
        return new ChaosActionBuilder(name, step);
    }

    private ChaosActionBuilder step(TimelineAction action, String subject, Consumer<RpcCluster> step) {
        return new ChaosActionBuilder(name != null ? name : action.label() + " " + subject, step);
    }
}
