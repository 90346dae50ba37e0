package dev.rpcharness.run;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The actions the harness itself records on a {@link Timeline}, with the names ({@link #label()}) that appear in
 * {@code rpc-timeline.jsonl}, in {@link Timeline#render()} and in reports. docs/timeline.md lists them in one table
 * (a test keeps the two equal, and another checks that a cluster records exactly these names). Users may record
 * actions of their own with the cluster's {@code record}; a chaos step that throws is recorded as its label followed
 * by {@value #FAILED_SUFFIX}, for example {@code crash-failed}.
 *
 * <p>Each action also says what it is to the call-history checker, the reports and a replay ({@link
 * #isChaosStep()}, {@link #closesConnections()}, {@link #isBookkeeping()}, {@link #endedBy()}): those sets are
 * defined here and nowhere else.
 *
 * <p>Subjects: a provider's name ({@link #providerName(int)}: {@code p0}, {@code p1}, ...), {@code
 * zookeeper}, a chaos step's or a test's name.
 */
public enum TimelineAction {
    /** The cluster's ZooKeeper is up (subject {@code zookeeper}, detail connect string, base path, seed). */
    CLUSTER_START("cluster-start", Role.BOOKKEEPING),
    /** A provider started and registered (subject the provider, detail its address). */
    PROVIDER_REGISTERED("provider-registered", Role.BOOKKEEPING),
    /** Chaos step: the provider crashed (connections reset, no more listening). */
    CRASH("crash", Role.CHAOS_CLOSING),
    /** Chaos step: the provider froze (sockets open, nothing read or answered). */
    FREEZE("freeze", Role.CHAOS),
    /** Chaos step: the provider thawed. */
    THAW("thaw", Role.CHAOS),
    /** Chaos step: the provider stopped gracefully. */
    STOP("stop", Role.CHAOS_CLOSING),
    /** Chaos step: the provider restarted on its port. */
    RESTART("restart", Role.CHAOS_CLOSING),
    /** Chaos step: the provider's ZooKeeper session was expired. */
    EXPIRE_SESSION("expire-session", Role.CHAOS_CLOSING),
    /** Chaos step: the provider's fault plan was replaced (detail: the plan). */
    FAULT_PLAN("fault-plan", Role.CHAOS),
    /** Chaos step: the embedded ZooKeeper stopped. */
    ZK_STOP("zk-stop", Role.CHAOS),
    /** Chaos step: the embedded ZooKeeper restarted. */
    ZK_RESTART("zk-restart", Role.CHAOS),
    /** Chaos step: one server of an embedded ensemble was killed (detail: member index). */
    ZK_KILL_SERVER("zk-kill-server", Role.CHAOS),
    /** Chaos step: one killed server of an embedded ensemble restarted. */
    ZK_RESTART_SERVER("zk-restart-server", Role.CHAOS),
    /**
     * Chaos step: a toxic was added to a link (subject the provider for a client-to-provider link, else the link;
     * detail: the toxic's name first, then the link and the toxic), until its removal or a heal.
     */
    LINK_TOXIC("link-toxic", Role.CHAOS),
    /**
     * Chaos step: a toxic that closes the link's connections ({@code reset_peer}, {@code limit_data}, a
     * {@code timeout} above 0) was added to a link; a connection lost meanwhile has this as its cause.
     */
    LINK_RESET("link-reset", Role.CHAOS_CLOSING),
    /** Chaos step: a toxic was removed from a link (detail: its name first). */
    LINK_TOXIC_REMOVED("link-toxic-removed", Role.CHAOS),
    /** Chaos step: a partition: a link's bytes are held, one way or both (detail: {@code cut}, how, the link). */
    LINK_CUT("link-cut", Role.CHAOS),
    /** Chaos step: a link healed: its toxics and cuts removed, enabled again (detail: the link). */
    LINK_HEAL("link-heal", Role.CHAOS),
    /** The provider reports it started (after {@link #PROVIDER_REGISTERED} or a restart). */
    PROVIDER_START("provider-start", Role.PROVIDER_ECHO),
    /** The provider reports it crashed. */
    PROVIDER_CRASH("provider-crash", Role.PROVIDER_ECHO_CLOSING),
    /** The provider reports it froze. */
    PROVIDER_FREEZE("provider-freeze", Role.PROVIDER_ECHO),
    /** The provider reports it thawed. */
    PROVIDER_THAW("provider-thaw", Role.PROVIDER_ECHO),
    /** The provider reports it stopped. */
    PROVIDER_STOP("provider-stop", Role.PROVIDER_ECHO_CLOSING),
    /** The provider reports it restarted. */
    PROVIDER_RESTART("provider-restart", Role.PROVIDER_ECHO_CLOSING),
    /** The provider reports its session was expired. */
    PROVIDER_EXPIRE_SESSION("provider-expireSession", Role.PROVIDER_ECHO_CLOSING),
    /** The provider reports its fault plan changed. */
    PROVIDER_FAULT_PLAN("provider-faultPlan", Role.PROVIDER_ECHO),
    /** The provider registered again after a session loss (detail: its node). */
    PROVIDER_REREGISTER("provider-reregister", Role.PROVIDER_ECHO),
    /** The provider's registration after a session loss failed; it retries (detail: its node, why, when). */
    PROVIDER_REREGISTER_FAILED("provider-reregister-failed", Role.PROVIDER_ECHO),
    /** The provider closed for good. */
    PROVIDER_CLOSE("provider-close", Role.PROVIDER_ECHO_CLOSING),
    /** A client's discovery (or direct list) named the provider (detail: its address). */
    CLIENT_LISTED("client-listed", Role.OBSERVATION),
    /** A client's discovery no longer names the provider. */
    CLIENT_DELISTED("client-delisted", Role.OBSERVATION),
    /** A client's connection to the provider became ready. */
    CLIENT_CONNECTED("client-connected", Role.OBSERVATION),
    /** A client has no ready connection to the provider any more. */
    CLIENT_DISCONNECTED("client-disconnected", Role.OBSERVATION),
    /** A client's outlier ejection took the provider out of rotation (detail: why, and for how long). */
    CLIENT_EJECTED("client-ejected", Role.OBSERVATION),
    /** The ejection's cool-down ended: the provider is back in the client's rotation, on probation. */
    CLIENT_RETURNED("client-returned", Role.OBSERVATION),
    /** A client's retry budget is spent: no retries or hedges until successes refill it (detail: tokens left). */
    CLIENT_THROTTLED("client-throttled", Role.OBSERVATION),
    /** A client's retry budget allows retries and hedges again (detail: tokens left). */
    CLIENT_UNTHROTTLED("client-unthrottled", Role.OBSERVATION),
    /** The cluster is closing (subject {@code zookeeper}). */
    CLUSTER_CLOSE("cluster-close", Role.BOOKKEEPING_CLOSING),
    /** {@code @WithRpcCluster}: a test starts (subject the test's display name). */
    TEST_START("test-start", Role.OBSERVATION),
    /** {@code @WithRpcCluster}: a test ended (detail {@code passed} or {@code failed: ...}). */
    TEST_END("test-end", Role.OBSERVATION),
    /** A load run's warm-up calls are done (subject the simulation, detail counts). */
    WARM_UP("warm-up", Role.BOOKKEEPING),
    /** A load run's chaos step threw (subject the step's name, detail the exception). */
    CHAOS_FAILED("chaos-failed", Role.OBSERVATION),
    /** A stand-alone injector starts its load (subject the injector's name, detail rate and duration). */
    INJECTOR_START("injector-start", Role.BOOKKEEPING),
    /** A stand-alone injector's load ended (subject the injector's name, detail calls sent and failed). */
    INJECTOR_STOP("injector-stop", Role.BOOKKEEPING),
    /**
     * A run of several injectors: the chaos conductor claimed a step in ZooKeeper and runs it (subject the step's
     * name, detail its index and the injector that runs it).
     */
    CHAOS_CLAIMED("chaos-claimed", Role.BOOKKEEPING);

    /** Appended to a chaos step's label when the step threw, for example {@code crash-failed}. */
    public static final String FAILED_SUFFIX = "-failed";

    /** What an action is to the checker, the reports and a replay: the one place these sets are defined. */
    private enum Role {
        /** A chaos step the harness performs that leaves connections open. */
        CHAOS(true, false, false),
        /** A chaos step that closes the provider's connections. */
        CHAOS_CLOSING(true, true, false),
        /** A provider's own report of a step or a state change. */
        PROVIDER_ECHO(false, false, true),
        /** A provider's report of a change that closed its connections. */
        PROVIDER_ECHO_CLOSING(false, true, true),
        /** Start-up and shut-down bookkeeping of a cluster or a run. */
        BOOKKEEPING(false, false, true),
        /** Shut-down bookkeeping that closes every connection. */
        BOOKKEEPING_CLOSING(false, true, true),
        /** Something seen or marked (routing events, tests, failed steps): drawn, but no chaos. */
        OBSERVATION(false, false, false);

        final boolean chaos;
        final boolean closes;
        final boolean bookkeeping;

        Role(boolean chaos, boolean closes, boolean bookkeeping) {
            this.chaos = chaos;
            this.closes = closes;
            this.bookkeeping = bookkeeping;
        }
    }

    private final String label;
    private final Role role;

    TimelineAction(String label, Role role) {
        this.label = label;
        this.role = role;
    }

    /** Whether this is a chaos step the harness performs on a cluster (crash, freeze, ..., zk-restart-server). */
    public boolean isChaosStep() {
        return role.chaos;
    }

    /**
     * Whether connections to the subject close when this happens (a crash, a stop, a restart, a session expiry,
     * the cluster closing, and the providers' reports of those): a connection lost then has a cause.
     */
    public boolean closesConnections() {
        return role.closes;
    }

    /**
     * Whether this is bookkeeping of a cluster or a run (start, registration, warm-up, close, an injector's start and
     * stop) or a provider's own report of a change: reports leave these out of the chaos steps they draw.
     */
    public boolean isBookkeeping() {
        return role.bookkeeping;
    }

    /**
     * The chaos steps that end the interval this step begins on the same subject: a crash or a stop until a
     * restart, a freeze until a thaw, a ZooKeeper stop until its restart, a member killed until restarted, a fault
     * plan until the next one, a link's toxic until removed or healed, a link cut until healed. Empty for an instant step and for anything that is not a chaos step.
     */
    public Set<TimelineAction> endedBy() {
        return switch (this) {
            case CRASH, STOP -> Set.of(RESTART);
            case FREEZE -> Set.of(THAW);
            case ZK_STOP -> Set.of(ZK_RESTART);
            case ZK_KILL_SERVER -> Set.of(ZK_RESTART_SERVER);
            case FAULT_PLAN -> Set.of(FAULT_PLAN);
            case LINK_TOXIC, LINK_RESET -> Set.of(LINK_TOXIC_REMOVED, LINK_HEAL);
            case LINK_CUT -> Set.of(LINK_HEAL);
            default -> Set.of();
        };
    }

    /** How a report names the state between this step and its end ("crashed", "frozen"), or the label. */
    public String stateName() {
        return switch (this) {
            case CRASH -> "crashed";
            case STOP -> "stopped";
            case FREEZE -> "frozen";
            case ZK_STOP -> "ZooKeeper down";
            case ZK_KILL_SERVER -> "ZooKeeper member down";
            case FAULT_PLAN -> "fault plan";
            case LINK_TOXIC -> "link toxic";
            case LINK_RESET -> "link reset";
            case LINK_CUT -> "partitioned";
            default -> label;
        };
    }

    /** Whether the action labelled {@code label} is a chaos step (false for unknown labels: user marks). */
    public static boolean isChaosStep(String label) {
        return ofLabel(label).map(TimelineAction::isChaosStep).orElse(false);
    }

    /** Whether the action labelled {@code label} closes connections (false for unknown labels). */
    public static boolean closesConnections(String label) {
        return ofLabel(label).map(TimelineAction::closesConnections).orElse(false);
    }

    /** The name on the timeline, for example {@code expire-session}. */
    public String label() {
        return label;
    }

    /** The action named {@code label}, if the harness records it. */
    public static Optional<TimelineAction> ofLabel(String label) {
        return Optional.ofNullable(BY_LABEL.get(label));
    }

    private static final Map<String, TimelineAction> BY_LABEL =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(TimelineAction::label, a -> a));

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
