package dev.rpcharness.cluster;

import java.util.Arrays;
import java.util.Optional;

/**
 * The actions the harness itself records on a {@link Timeline}, with the names ({@link #label()}) that appear in
 * {@code rpc-timeline.jsonl}, in {@link Timeline#render()} and in reports. docs/timeline.md lists them in one table
 * (a test keeps the two equal, and another checks that a cluster records exactly these names). Users may record
 * actions of their own with {@link RpcCluster#record}; a chaos step that throws is recorded as its label followed
 * by {@value #FAILED_SUFFIX}, for example {@code crash-failed}.
 *
 * <p>Subjects: a provider's name ({@link #providerName(int)}: {@code p0}, {@code p1}, ...), {@value
 * RpcCluster#ZOOKEEPER}, a chaos step's or a test's name.
 */
public enum TimelineAction {
    /** The cluster's ZooKeeper is up (subject {@code zookeeper}, detail connect string, base path, seed). */
    CLUSTER_START("cluster-start"),
    /** A provider started and registered (subject the provider, detail its address). */
    PROVIDER_REGISTERED("provider-registered"),
    /** Chaos step: the provider crashed (connections reset, no more listening). */
    CRASH("crash"),
    /** Chaos step: the provider froze (sockets open, nothing read or answered). */
    FREEZE("freeze"),
    /** Chaos step: the provider thawed. */
    THAW("thaw"),
    /** Chaos step: the provider stopped gracefully. */
    STOP("stop"),
    /** Chaos step: the provider restarted on its port. */
    RESTART("restart"),
    /** Chaos step: the provider's ZooKeeper session was expired. */
    EXPIRE_SESSION("expire-session"),
    /** Chaos step: the provider's fault plan was replaced (detail: the plan). */
    FAULT_PLAN("fault-plan"),
    /** Chaos step: the embedded ZooKeeper stopped. */
    ZK_STOP("zk-stop"),
    /** Chaos step: the embedded ZooKeeper restarted. */
    ZK_RESTART("zk-restart"),
    /** Chaos step: one server of an embedded ensemble was killed (detail: member index). */
    ZK_KILL_SERVER("zk-kill-server"),
    /** Chaos step: one killed server of an embedded ensemble restarted. */
    ZK_RESTART_SERVER("zk-restart-server"),
    /** The provider reports it started (after {@link #PROVIDER_REGISTERED} or a restart). */
    PROVIDER_START("provider-start"),
    /** The provider reports it crashed. */
    PROVIDER_CRASH("provider-crash"),
    /** The provider reports it froze. */
    PROVIDER_FREEZE("provider-freeze"),
    /** The provider reports it thawed. */
    PROVIDER_THAW("provider-thaw"),
    /** The provider reports it stopped. */
    PROVIDER_STOP("provider-stop"),
    /** The provider reports it restarted. */
    PROVIDER_RESTART("provider-restart"),
    /** The provider reports its session was expired. */
    PROVIDER_EXPIRE_SESSION("provider-expireSession"),
    /** The provider reports its fault plan changed. */
    PROVIDER_FAULT_PLAN("provider-faultPlan"),
    /** The provider registered again after a session loss (detail: its node). */
    PROVIDER_REREGISTER("provider-reregister"),
    /** The provider closed for good. */
    PROVIDER_CLOSE("provider-close"),
    /** A client's discovery (or direct list) named the provider (detail: its address). */
    CLIENT_LISTED("client-listed"),
    /** A client's discovery no longer names the provider. */
    CLIENT_DELISTED("client-delisted"),
    /** A client's connection to the provider became ready. */
    CLIENT_CONNECTED("client-connected"),
    /** A client has no ready connection to the provider any more. */
    CLIENT_DISCONNECTED("client-disconnected"),
    /** A client's outlier ejection took the provider out of rotation (detail: why, and for how long). */
    CLIENT_EJECTED("client-ejected"),
    /** The ejection's cool-down ended: the provider is back in the client's rotation, on probation. */
    CLIENT_RETURNED("client-returned"),
    /** The cluster is closing (subject {@code zookeeper}). */
    CLUSTER_CLOSE("cluster-close"),
    /** {@code @WithRpcCluster}: a test starts (subject the test's display name). */
    TEST_START("test-start"),
    /** {@code @WithRpcCluster}: a test ended (detail {@code passed} or {@code failed: ...}). */
    TEST_END("test-end"),
    /** A load run's warm-up calls are done (subject the simulation, detail counts). */
    WARM_UP("warm-up"),
    /** A load run's chaos step threw (subject the step's name, detail the exception). */
    CHAOS_FAILED("chaos-failed");

    /** Appended to a chaos step's label when the step threw, for example {@code crash-failed}. */
    public static final String FAILED_SUFFIX = "-failed";

    private final String label;

    TimelineAction(String label) {
        this.label = label;
    }

    /** The name on the timeline, for example {@code expire-session}. */
    public String label() {
        return label;
    }

    /** The action named {@code label}, if the harness records it. */
    public static Optional<TimelineAction> ofLabel(String label) {
        return Arrays.stream(values()).filter(a -> a.label.equals(label)).findFirst();
    }

    /** The name of the cluster's provider {@code index} (0-based), as the timeline's subject: {@code p2}. */
    public static String providerName(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("provider index must not be negative, was " + index);
        }
        return "p" + index;
    }

    @Override
    public String toString() {
        return label;
    }
}
