package dev.rpcharness.cluster;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.registration.RegistryClients;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The world of one test or load run: a ZooKeeper (embedded, or an external ensemble), N fake providers registered
 * in it, and the consumer clients under test, with one {@link Timeline} of every chaos step and provider state
 * change.
 *
 * <p>Lifecycle: {@link #builder()}...{@link Builder#build()} returns a started cluster: ZooKeeper first, then the
 * providers, each listening and registered. Clients from {@link #newClient()} are tracked and closed by
 * {@link #close()}, which tears everything down in reverse order (clients, providers, ZooKeeper), keeps going
 * after a failure and throws the first one at the end.
 *
 * <p>Threading: thread-safe. Chaos steps may be called from any thread (a Gatling chaos scenario, a test thread)
 * while calls flow; each is first recorded on the timeline, then performed on the calling thread.
 */
public final class RpcCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RpcCluster.class);
    /** Subject of ZooKeeper events on the timeline. */
    public static final String ZOOKEEPER = "zookeeper";

    private final Timeline timeline = new Timeline();
    private final String basePath;
    private final ConsumerOptions clientOptions;
    private final long seed;
    private final ClientIds clientIds;
    private final Map<Class<?>, Supplier<?>> services;
    private final EmbeddedZooKeeper zooKeeper;
    private final String connectString;
    private final List<FakeProvider> providers = new CopyOnWriteArrayList<>();
    private final List<ConsumerClient> clients = new CopyOnWriteArrayList<>();
    private final Map<Class<?>, Object> proxies = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private ConsumerClient defaultClient;
    private CuratorFramework inspector;
    private boolean closed;
    /** Call histories of the clients, or null when the cluster records none. */
    private final ClusterHistory callHistory;

    private RpcCluster(Builder b) {
        this.callHistory = b.callHistoryDir == null ? null : new ClusterHistory(b.callHistoryDir);
        this.basePath = WireContract.normalizeBasePath(b.basePath);
        this.clientOptions = b.clientOptions;
        this.seed = b.seed;
        this.clientIds = new ClientIds(b.seed);
        this.services = Collections.unmodifiableMap(new LinkedHashMap<>(b.services));
        if (b.externalZooKeeper != null) {
            this.zooKeeper = null;
            this.connectString = b.externalZooKeeper;
        } else {
            this.zooKeeper = b.zooKeeperEnsemble == 1 ? EmbeddedZooKeeper.start()
                    : EmbeddedZooKeeper.startEnsemble(b.zooKeeperEnsemble);
            this.connectString = zooKeeper.connectString();
        }
        timeline.record(TimelineAction.CLUSTER_START, ZOOKEEPER, connectString + basePath + " seed=" + seed);
    }

    public static Builder builder() {
        return new Builder();
    }

    private void startProviders(Builder b) {
        for (int i = 0; i < b.providers; i++) {
            FakeProvider.Builder pb = FakeProvider.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .registry(connectString)
                    .basePath(basePath)
                    .name("p" + i)
                    .faultPlan(b.faultPlans.getOrDefault(i, FaultPlan.none()).forRun(seed, i));
            if (b.providerSessionTimeout != null) {
                pb.sessionTimeout(b.providerSessionTimeout);
            }
            services.forEach((iface, supplier) -> serve(pb, iface, supplier));
            FakeProvider provider = pb.build();
            providers.add(provider);
            provider.addListener(e -> timeline.record("provider-" + e.action(), e.provider(), e.detail()));
            provider.start();
            timeline.record(TimelineAction.PROVIDER_REGISTERED, provider.name(), provider.address());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void serve(FakeProvider.Builder pb, Class<T> iface, Supplier<?> supplier) {
        Object impl = Objects.requireNonNull(supplier.get(), () -> "implementation supplier of " + iface.getName()
                + " returned null");
        pb.serve(iface, iface.cast(impl));
    }

    /** The ZooKeeper connect string of the cluster's registry. */
    public String connectString() {
        return connectString;
    }

    /** The registry base path, {@code /rpc} by default. */
    public String basePath() {
        return basePath;
    }

    /** The embedded ZooKeeper, or null when the cluster uses an external ensemble. */
    public EmbeddedZooKeeper zooKeeper() {
        return zooKeeper;
    }

    /** The seed given to the builder (0 by default): recorded on the timeline at start, seeds the fault plans. */
    public long seed() {
        return seed;
    }

    /** The name ({@code p<i>}) of this cluster's provider at {@code address}, or the address itself. */
    private String nameOf(String address) {
        for (FakeProvider p : providers) {
            if (address.equals(p.address())) {
                return p.name();
            }
        }
        return address;
    }

    /** The interfaces the providers serve. */
    public List<Class<?>> services() {
        return List.copyOf(services.keySet());
    }

    /** Provider {@code index}, 0-based. */
    public FakeProvider provider(int index) {
        if (index < 0 || index >= providers.size()) {
            throw new IndexOutOfBoundsException("provider " + index + " of a cluster of " + providers.size());
        }
        return providers.get(index);
    }

    /** All providers, in index order. */
    public List<FakeProvider> providers() {
        return List.copyOf(providers);
    }

    /** The options of clients made by {@link #newClient()}. */
    public ConsumerOptions clientOptions() {
        return clientOptions;
    }

    /** A new client discovering the providers through the cluster's registry, with the cluster's options. */
    public ConsumerClient newClient() {
        return newClient(clientOptions);
    }

    /**
     * A new client with {@code options}; the cluster tracks it and closes it on {@link #close()}. Unless the options
     * name a client id, the client's id is derived from the cluster's seed and the number of clients made before it
     * ({@link ClientIds}), so the same seed gives the same ids.
     */
    public ConsumerClient newClient(ConsumerOptions options) {
        synchronized (lock) {
            requireOpen("newClient");
        }
        ConsumerOptions identified = clientIds.next(options);
        ServiceDiscovery discovery = new ServiceDiscovery(connectString, basePath);
        ConsumerClient client;
        try {
            client = new ConsumerClient(discovery, callHistory == null ? identified
                    : callHistory.attach(identified));
        } catch (RuntimeException e) {
            discovery.close();
            throw e;
        }
        // The client's routing changes (ejected, returned, connected, ...) go on the cluster's timeline.
        // Subject: the provider's name (p0, p1, ...) when it is one of this cluster's, as for every other event.
        client.addRoutingListener(e -> timeline.record(e.action(), nameOf(e.provider()),
                e.provider() + (e.detail().isEmpty() ? "" : " " + e.detail())));
        clients.add(client);
        synchronized (lock) {
            if (!closed) {
                return client;
            }
        }
        // The cluster closed while this client was being made: it must not outlive the cluster.
        clients.remove(client);
        client.close();
        throw new IllegalStateException("newClient: cluster at " + connectString + " closed meanwhile");
    }

    /** Every client made by this cluster and not yet closed by it. */
    public List<ConsumerClient> clients() {
        return List.copyOf(clients);
    }

    /** The cluster's default client (made on first use, tracked like the others). */
    public ConsumerClient client() {
        synchronized (lock) {
            requireOpen("client");
            if (defaultClient == null) {
                defaultClient = newClient();
            }
            return defaultClient;
        }
    }

    /** A synchronous proxy of {@code iface} on the default client; the same proxy on every call. */
    public <T> T proxy(Class<T> iface) {
        return iface.cast(proxies.computeIfAbsent(iface, i -> client().create(i)));
    }

    /** The timeline of this cluster. */
    public Timeline timeline() {
        return timeline;
    }

    /**
     * The call histories of this cluster's clients, when the cluster records them
     * ({@link Builder#callHistory(Path)}); check them with {@link ClusterHistory#check}.
     */
    public Optional<ClusterHistory> callHistory() {
        return Optional.ofNullable(callHistory);
    }

    /** Records a user-defined mark on the timeline. */
    public void record(String action, String subject, String detail) {
        timeline.record(action, subject, detail);
    }

    /** Crashes provider {@code i}: RST on every connection, no more listening; its node stays until expiry. */
    public void crash(int i) {
        FakeProvider p = provider(i);
        step(TimelineAction.CRASH, p, p::crash);
    }

    /** Freezes provider {@code i}: sockets stay open, nothing is read or answered. */
    public void freeze(int i) {
        FakeProvider p = provider(i);
        step(TimelineAction.FREEZE, p, p::freeze);
    }

    /** Thaws provider {@code i} after {@link #freeze(int)}. */
    public void thaw(int i) {
        FakeProvider p = provider(i);
        step(TimelineAction.THAW, p, p::thaw);
    }

    /** Stops provider {@code i} gracefully: deregister, drain, close. */
    public void stop(int i) {
        FakeProvider p = provider(i);
        step(TimelineAction.STOP, p, p::stop);
    }

    /** Restarts provider {@code i} on the same port; it registers again. */
    public void restart(int i) {
        FakeProvider p = provider(i);
        step(TimelineAction.RESTART, p, p::restart);
    }

    /** Expires provider {@code i}'s ZooKeeper session on the server, so its node really disappears. */
    public void expireSession(int i) {
        FakeProvider p = provider(i);
        step(TimelineAction.EXPIRE_SESSION, p, p::expireSession);
    }

    /**
     * Replaces provider {@code i}'s fault plan while traffic flows; its randomness is drawn from the cluster's
     * seed (see {@link FaultPlan#forRun}).
     */
    public void faultPlan(int i, FaultPlan plan) {
        FakeProvider p = provider(i);
        FaultPlan seeded = plan.forRun(seed, i);
        step(TimelineAction.FAULT_PLAN, p, String.valueOf(seeded), () -> p.faultPlan(seeded));
    }

    /** Stops the embedded ZooKeeper (every server of an ensemble). */
    public void stopZooKeeper() {
        EmbeddedZooKeeper zk = embedded("stopZooKeeper");
        step(TimelineAction.ZK_STOP, ZOOKEEPER, connectString, zk::stop);
    }

    /** Restarts the embedded ZooKeeper on the same ports with the same data. */
    public void restartZooKeeper() {
        EmbeddedZooKeeper zk = embedded("restartZooKeeper");
        step(TimelineAction.ZK_RESTART, ZOOKEEPER, connectString, zk::restart);
    }

    /** Kills one server of an embedded ensemble. */
    public void killZooKeeperServer(int index) {
        EmbeddedZooKeeper zk = embedded("killZooKeeperServer");
        step(TimelineAction.ZK_KILL_SERVER, ZOOKEEPER, "member " + index, () -> zk.killServer(index));
    }

    /** Restarts one server of an embedded ensemble killed by {@link #killZooKeeperServer(int)}. */
    public void restartZooKeeperServer(int index) {
        EmbeddedZooKeeper zk = embedded("restartZooKeeperServer");
        step(TimelineAction.ZK_RESTART_SERVER, ZOOKEEPER, "member " + index, () -> zk.restartServer(index));
    }

    private EmbeddedZooKeeper embedded(String operation) {
        if (zooKeeper == null) {
            throw new IllegalStateException(operation + ": the cluster uses the external ZooKeeper "
                    + connectString + ", which it does not control");
        }
        return zooKeeper;
    }

    private void step(TimelineAction action, FakeProvider p, Runnable chaos) {
        step(action, p.name(), p.address(), chaos);
    }

    private void step(TimelineAction action, FakeProvider p, String detail, Runnable chaos) {
        step(action, p.name(), p.address() + " " + detail, chaos);
    }

    private void step(TimelineAction action, String subject, String detail, Runnable chaos) {
        synchronized (lock) {
            requireOpen(action.label());
        }
        timeline.record(action, subject, detail);
        try {
            chaos.run();
        } catch (RuntimeException e) {
            timeline.record(action.label() + TimelineAction.FAILED_SUFFIX, subject, String.valueOf(e));
            throw e;
        }
    }

    /**
     * The provider addresses registered in ZooKeeper right now, read directly from the registry (sorted).
     *
     * @throws IllegalStateException when ZooKeeper cannot be read within a few seconds
     */
    public List<String> registeredProviders() {
        CuratorFramework zk;
        synchronized (lock) {
            requireOpen("registeredProviders");
            if (inspector == null) {
                inspector = RegistryClients.newClient(connectString, "cluster-inspector");
                inspector.start();
            }
            zk = inspector;
        }
        String path = WireContract.providersPath(basePath);
        try {
            if (!zk.blockUntilConnected(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("cannot reach ZooKeeper at " + connectString + " within 5000 ms");
            }
            if (zk.checkExists().forPath(path) == null) {
                return List.of();
            }
            List<String> children = new ArrayList<>(zk.getChildren().forPath(path));
            Collections.sort(children);
            return children;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + path, e);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + path + " on ZooKeeper at " + connectString, e);
        }
    }

    private void requireOpen(String operation) {
        if (closed) {
            throw new IllegalStateException(operation + ": cluster at " + connectString + " is closed");
        }
    }

    /**
     * Closes every tracked client (newest first), every provider (highest index first), then the embedded
     * ZooKeeper. Keeps going after a failure and throws the first one, with the others suppressed. Idempotent.
     */
    @Override
    public void close() {
        CuratorFramework zkInspector;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            zkInspector = inspector;
        }
        timeline.record(TimelineAction.CLUSTER_CLOSE, ZOOKEEPER, connectString);
        List<AutoCloseable> order = new ArrayList<>();
        List<ConsumerClient> clientList = new ArrayList<>(clients);
        Collections.reverse(clientList);
        order.addAll(clientList);
        if (callHistory != null) {
            order.add(callHistory); // after the clients, so their last ends are written
        }
        List<FakeProvider> providerList = new ArrayList<>(providers);
        Collections.reverse(providerList);
        order.addAll(providerList);
        if (zkInspector != null) {
            order.add(zkInspector);
        }
        if (zooKeeper != null) {
            order.add(zooKeeper);
        }
        RuntimeException first = null;
        for (AutoCloseable resource : order) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed", resource, e);
                RuntimeException wrapped = e instanceof RuntimeException re ? re
                        : new IllegalStateException("closing " + resource + " failed", e);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(wrapped);
                }
            }
        }
        clients.clear();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "RpcCluster[zk=" + connectString + basePath + ", providers="
                + providers.stream().map(FakeProvider::address).toList() + ", clients=" + clients.size() + "]";
    }

    /** Builds and starts an {@link RpcCluster}. Not thread-safe. */
    public static final class Builder {

        private int providers = 1;
        private int zooKeeperEnsemble = 1;
        private String basePath = WireContract.DEFAULT_BASE_PATH;
        private final Map<Class<?>, Supplier<?>> services = new LinkedHashMap<>();
        private final Map<Integer, FaultPlan> faultPlans = new LinkedHashMap<>();
        private ConsumerOptions clientOptions = ConsumerOptions.defaults();
        private long seed;
        private String externalZooKeeper;
        private Path callHistoryDir;

        /**
         * Records the call history of every client the cluster makes (unless its options carry a history of their
         * own) into {@code dir}, one file per client; see docs/history.md.
         */
        public Builder callHistory(Path dir) {
            this.callHistoryDir = Objects.requireNonNull(dir, "dir");
            return this;
        }
        private Duration providerSessionTimeout;

        private Builder() {
        }

        /**
         * The providers' ZooKeeper session timeout: how long the node of a crashed provider stays registered.
         * The provider's default when not set.
         */
        public Builder providerSessionTimeout(Duration value) {
            this.providerSessionTimeout = Objects.requireNonNull(value, "providerSessionTimeout");
            return this;
        }

        /** Number of fake providers, 1 by default (0 is allowed: add your own, e.g. a WireMock provider). */
        public Builder providers(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("providers must not be negative, was " + value);
            }
            this.providers = value;
            return this;
        }

        /** Servers of the embedded ZooKeeper, 1 by default. */
        public Builder zooKeeperEnsemble(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("zooKeeperEnsemble must be at least 1, was " + value);
            }
            this.zooKeeperEnsemble = value;
            return this;
        }

        /** Registry base path, {@code /rpc} by default. */
        public Builder basePath(String value) {
            this.basePath = WireContract.normalizeBasePath(value);
            return this;
        }

        /**
         * Serves {@code iface} on every provider, each with its own implementation from {@code implPerProvider}.
         * Without any call to this, the providers serve the demo {@link EchoService}.
         */
        public <T> Builder serve(Class<T> iface, Supplier<T> implPerProvider) {
            if (!iface.isInterface()) {
                throw new IllegalArgumentException(iface.getName() + " is not an interface");
            }
            services.put(iface, Objects.requireNonNull(implPerProvider, "implPerProvider"));
            return this;
        }

        /** The fault plan provider {@code providerIndex} starts with. */
        public Builder faultPlan(int providerIndex, FaultPlan plan) {
            if (providerIndex < 0) {
                throw new IllegalArgumentException("provider index must not be negative, was " + providerIndex);
            }
            faultPlans.put(providerIndex, Objects.requireNonNull(plan, "plan"));
            return this;
        }

        /** Options of the clients made by {@link RpcCluster#newClient()}. */
        public Builder clientOptions(ConsumerOptions value) {
            this.clientOptions = Objects.requireNonNull(value, "clientOptions");
            return this;
        }

        /**
         * The run's seed: recorded on the timeline, and every fault plan given to the cluster draws its randomness
         * from it (with the provider's index), so the same seed gives the same fault decisions per call sequence.
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Uses a running ZooKeeper ensemble instead of starting an embedded one. */
        public Builder externalZooKeeper(String connect) {
            if (connect == null || connect.isBlank()) {
                throw new IllegalArgumentException("external ZooKeeper connect string is empty");
            }
            this.externalZooKeeper = connect;
            return this;
        }

        /** Starts ZooKeeper, then the providers, each registered; on a failure, closes what was started. */
        public RpcCluster build() {
            for (Integer index : faultPlans.keySet()) {
                if (index >= providers) {
                    throw new IllegalArgumentException("fault plan for provider " + index + " but the cluster has "
                            + providers + " providers");
                }
            }
            if (services.isEmpty()) {
                services.put(EchoService.class, (Supplier<EchoService>) EchoServiceImpl::new);
            }
            RpcCluster cluster = new RpcCluster(this);
            try {
                cluster.startProviders(this);
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
    }
}
