package dev.rpcharness.cluster;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The world of one test or load run, as a {@link ClusterSpec} describes it: a ZooKeeper (embedded, or an external
 * ensemble), N fake providers registered in it, and the consumer clients under test, with one {@link Timeline} of
 * every chaos step and provider state change.
 *
 * <p>Lifecycle: {@link #start(ClusterSpec)} (or {@link #builder()}...{@link Builder#build()}) returns a started
 * cluster: ZooKeeper first, then the providers, each listening and registered. Clients from {@link #newClient()}
 * are tracked and closed by {@link #close()}, which tears everything down in reverse order (clients, providers,
 * ZooKeeper), keeps going after a failure and throws the first one at the end.
 *
 * <p>Threading: thread-safe. Chaos steps may be called from any thread (a Gatling chaos scenario, a test thread)
 * while calls flow; each is first recorded on the timeline, then performed on the calling thread.
 */
public final class RpcCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RpcCluster.class);
    /** Subject of ZooKeeper events on the timeline. */
    public static final String ZOOKEEPER = "zookeeper";

    private final Timeline timeline = new Timeline();
    private final ClusterSpec spec;
    private final EmbeddedZooKeeper zooKeeper;
    private final String connectString;
    private final ProviderFleet providers;
    private final ChaosSteps chaos;
    private final RegistryInspector inspector;
    private final ClusterClients clients;
    /** The links on every link of the cluster, or null without {@code links(true)}. */
    private final ClusterLinks links;
    private final Object lock = new Object();
    private boolean closed;
    /** Call histories of the clients, or null when the cluster records none. */
    private final ClusterHistory callHistory;

    private RpcCluster(ClusterSpec spec) {
        this.spec = spec;
        this.callHistory = spec.callHistoryDir().map(ClusterHistory::new).orElse(null);
        if (spec.externalZooKeeper().isPresent()) {
            this.zooKeeper = null;
            this.connectString = spec.externalZooKeeper().get();
        } else {
            this.zooKeeper = spec.zooKeeperEnsemble() == 1 ? EmbeddedZooKeeper.start()
                    : EmbeddedZooKeeper.startEnsemble(spec.zooKeeperEnsemble());
            this.connectString = zooKeeper.connectString();
        }
        ClientIds clientIds = new ClientIds(spec.seed());
        this.links = spec.links() ? new ClusterLinks(connectString, spec.seed(), timeline, this::requireOpen) : null;
        this.providers = new ProviderFleet(spec, connectString, timeline, links);
        this.chaos = new ChaosSteps(timeline, providers, zooKeeper, connectString, spec.seed(), this::requireOpen);
        this.inspector = new RegistryInspector(connectString, spec.basePath());
        this.clients = new ClusterClients(links == null ? connectString : links.clientConnectString(), spec,
                timeline, providers,
                options -> {
                    ConsumerOptions identified = clientIds.next(options);
                    return callHistory == null ? identified : callHistory.attach(identified);
                });
        timeline.record(TimelineAction.CLUSTER_START, ZOOKEEPER,
                connectString + spec.basePath() + " seed=" + spec.seed());
    }

    /** A builder of a cluster, starting from {@link ClusterSpec#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the cluster {@code spec} describes: ZooKeeper, then the providers, each registered; on a failure,
     * closes what was started and rethrows.
     */
    public static RpcCluster start(ClusterSpec spec) {
        RpcCluster cluster = new RpcCluster(Objects.requireNonNull(spec, "spec"));
        try {
            cluster.providers.startAll();
        } catch (RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        log.info("cluster started: {}", cluster);
        return cluster;
    }

    /** The description this cluster was started from. */
    public ClusterSpec spec() {
        return spec;
    }

    /** The ZooKeeper connect string of the cluster's registry. */
    public String connectString() {
        return connectString;
    }

    /** The registry base path, {@code /rpc} by default. */
    public String basePath() {
        return spec.basePath();
    }

    /**
     * The link-fault proxies on every link of the cluster, with their chaos steps (toxics, partitions, heal).
     *
     * @throws IllegalStateException when the cluster was not started with {@code links(true)}
     */
    public ClusterLinks links() {
        if (links == null) {
            throw new IllegalStateException("links: the cluster at " + connectString
                    + " was started without links(true)");
        }
        return links;
    }

    /** The embedded ZooKeeper, or null when the cluster uses an external ensemble. */
    public EmbeddedZooKeeper zooKeeper() {
        return zooKeeper;
    }

    /** The run's seed (0 by default): recorded on the timeline at start, seeds the fault plans. */
    public long seed() {
        return spec.seed();
    }

    /** The interfaces the providers serve. */
    public List<Class<?>> services() {
        return List.copyOf(spec.services().keySet());
    }

    /** Provider {@code index}, 0-based. */
    public FakeProvider provider(int index) {
        return providers.get(index);
    }

    /** All providers, in index order. */
    public List<FakeProvider> providers() {
        return providers.all();
    }

    /** The options of clients made by {@link #newClient()}. */
    public ConsumerOptions clientOptions() {
        return spec.clientOptions();
    }

    /** A new client discovering the providers through the cluster's registry, with the cluster's options. */
    public ConsumerClient newClient() {
        return newClient(spec.clientOptions());
    }

    /**
     * A new client with {@code options}; the cluster tracks it and closes it on {@link #close()}. Unless the options
     * name a client id, the client's id is derived from the cluster's seed and the number of clients made before it
     * ({@link ClientIds}), so the same seed gives the same ids.
     */
    public ConsumerClient newClient(ConsumerOptions options) {
        return clients.newClient(options);
    }

    /** Every client made by this cluster and not yet closed by it. */
    public List<ConsumerClient> clients() {
        return clients.all();
    }

    /** The cluster's default client (made on first use, tracked like the others). */
    public ConsumerClient client() {
        return clients.defaultClient(spec.clientOptions());
    }

    /** A synchronous proxy of {@code iface} on the default client; the same proxy on every call. */
    public <T> T proxy(Class<T> iface) {
        return clients.proxy(iface, spec.clientOptions());
    }

    /** The timeline of this cluster. */
    public Timeline timeline() {
        return timeline;
    }

    /**
     * The call histories of this cluster's clients, when the cluster records them
     * ({@link ClusterSettings#callHistory(Path)}); check them with {@link ClusterHistory#check}.
     */
    public Optional<ClusterHistory> callHistory() {
        return Optional.ofNullable(callHistory);
    }

    /** Records a user-defined mark on the timeline. */
    public void record(String action, String subject, String detail) {
        timeline.record(action, subject, detail);
    }

    /** Records one of the harness's own actions (a test's start, a run's warm-up, ...) on the timeline. */
    public void record(TimelineAction action, String subject, String detail) {
        timeline.record(action, subject, detail);
    }

    /** Crashes provider {@code i}: RST on every connection, no more listening; its node stays until expiry. */
    public void crash(int i) {
        chaos.crash(i);
    }

    /** Freezes provider {@code i}: sockets stay open, nothing is read or answered. */
    public void freeze(int i) {
        chaos.freeze(i);
    }

    /** Thaws provider {@code i} after {@link #freeze(int)}. */
    public void thaw(int i) {
        chaos.thaw(i);
    }

    /** Stops provider {@code i} gracefully: deregister, drain, close. */
    public void stop(int i) {
        chaos.stop(i);
    }

    /** Restarts provider {@code i} on the same port; it registers again. */
    public void restart(int i) {
        chaos.restart(i);
    }

    /** Expires provider {@code i}'s ZooKeeper session on the server, so its node really disappears. */
    public void expireSession(int i) {
        chaos.expireSession(i);
    }

    /**
     * Replaces provider {@code i}'s fault plan while traffic flows; its randomness is drawn from the cluster's
     * seed (see {@link FaultPlan#forRun}).
     */
    public void faultPlan(int i, FaultPlan plan) {
        chaos.faultPlan(i, plan);
    }

    /** Stops the embedded ZooKeeper (every server of an ensemble). */
    public void stopZooKeeper() {
        chaos.stopZooKeeper();
    }

    /** Restarts the embedded ZooKeeper on the same ports with the same data. */
    public void restartZooKeeper() {
        chaos.restartZooKeeper();
    }

    /** Kills one server of an embedded ensemble. */
    public void killZooKeeperServer(int index) {
        chaos.killZooKeeperServer(index);
    }

    /** Restarts one server of an embedded ensemble killed by {@link #killZooKeeperServer(int)}. */
    public void restartZooKeeperServer(int index) {
        chaos.restartZooKeeperServer(index);
    }

    /**
     * The provider addresses registered in ZooKeeper right now, read directly from the registry (sorted).
     *
     * @throws IllegalStateException when ZooKeeper cannot be read within a few seconds, or the cluster is closed
     */
    public List<String> registeredProviders() {
        requireOpen("registeredProviders");
        return inspector.registeredProviders();
    }

    private void requireOpen(String operation) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException(operation + ": cluster at " + connectString + " is closed");
            }
        }
    }

    /**
     * Closes every tracked client (newest first), every provider (highest index first), then the embedded
     * ZooKeeper. Keeps going after a failure and throws the first one, with the others suppressed. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        timeline.record(TimelineAction.CLUSTER_CLOSE, ZOOKEEPER, connectString);
        List<AutoCloseable> order = new ArrayList<>();
        order.add(clients); // newest first
        if (callHistory != null) {
            order.add(callHistory); // after the clients, so their last ends are written
        }
        order.addAll(providers.inClosingOrder());
        if (links != null) {
            order.add(links);
        }
        order.add(inspector);
        if (zooKeeper != null) {
            order.add(zooKeeper);
        }
        Closing.closeAll(order);
    }

    @Override
    public String toString() {
        return "RpcCluster[zk=" + connectString + spec.basePath() + ", providers="
                + providers.all().stream().map(FakeProvider::address).toList() + ", clients=" + clients.size() + "]";
    }

    /**
     * Builds and starts an {@link RpcCluster}: the setters of {@link ClusterSettings} (the defaults and checks of
     * every {@link ClusterSpec}), {@link #spec()} to see the description and {@link #build()} to start it. Not
     * thread-safe.
     */
    public static final class Builder extends ClusterSettings<Builder> {

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The description built so far.
         *
         * @throws IllegalArgumentException when a fault plan names a provider the cluster does not have
         */
        public ClusterSpec spec() {
            return toSpec();
        }

        /** Starts ZooKeeper, then the providers, each registered; on a failure, closes what was started. */
        public RpcCluster build() {
            return RpcCluster.start(spec());
        }
    }
}
