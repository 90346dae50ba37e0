package dev.rpcharness.cluster;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.FaultPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The setters of a {@link ClusterSpec}, with its defaults and checks, written once and shared by
 * {@link ClusterSpec.Builder} and {@link RpcCluster.Builder}: each setter checks its value at once and names the
 * option and the value in its {@link IllegalArgumentException}. Only this package extends it.
 *
 * <p>Not thread-safe: one thread fills a builder, then builds.
 *
 * @param <B> the builder type the setters return, for chaining
 */
public abstract class ClusterSettings<B extends ClusterSettings<B>> {

    int providers = 1;
    int zooKeeperEnsemble = 1;
    String basePath = WireContract.DEFAULT_BASE_PATH;
    final Map<Class<?>, Supplier<?>> services = new LinkedHashMap<>();
    final Map<Integer, FaultPlan> faultPlans = new LinkedHashMap<>();
    ConsumerOptions clientOptions = ConsumerOptions.defaults();
    long seed;
    String externalZooKeeper;
    Path callHistoryDir;
    Duration providerSessionTimeout;
    Duration clientSessionTimeout;
    boolean links;

    ClusterSettings() {
    }

    /** This builder, for chaining. */
    protected abstract B self();

    /** Number of fake providers, 1 by default; 0 is allowed (the test registers providers of its own). */
    public B providers(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("providers must not be negative, was " + value);
        }
        this.providers = value;
        return self();
    }

    /** Servers of the embedded ZooKeeper, 1 by default. */
    public B zooKeeperEnsemble(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("zooKeeperEnsemble must be at least 1, was " + value);
        }
        this.zooKeeperEnsemble = value;
        return self();
    }

    /** Registry base path, {@code /rpc} by default; it must start with a slash, a trailing one is dropped. */
    public B basePath(String value) {
        try {
            this.basePath = WireContract.normalizeBasePath(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("basePath: " + e.getMessage(), e);
        }
        return self();
    }

    /**
     * Serves {@code iface} on every provider, each with its own implementation from {@code implPerProvider}.
     * Without any call to this, the providers serve the demo {@link EchoService}.
     */
    public <T> B serve(Class<T> iface, Supplier<? extends T> implPerProvider) {
        Objects.requireNonNull(iface, "serve: iface");
        if (!iface.isInterface()) {
            throw new IllegalArgumentException("serve: " + iface.getName() + " is not an interface");
        }
        services.put(iface, Objects.requireNonNull(implPerProvider, () -> "serve: implPerProvider of "
                + iface.getName()));
        return self();
    }

    /** The fault plan provider {@code providerIndex} (0-based) starts with; the index is checked when built. */
    public B faultPlan(int providerIndex, FaultPlan plan) {
        if (providerIndex < 0) {
            throw new IllegalArgumentException("faultPlan: provider index must not be negative, was "
                    + providerIndex);
        }
        faultPlans.put(providerIndex, Objects.requireNonNull(plan, "faultPlan: plan"));
        return self();
    }

    /** Options of the clients the cluster makes, {@link ConsumerOptions#defaults()} by default. */
    public B clientOptions(ConsumerOptions value) {
        this.clientOptions = Objects.requireNonNull(value, "clientOptions");
        return self();
    }

    /**
     * The run's seed, 0 by default: recorded on the timeline, and every fault plan given to the cluster draws its
     * randomness from it (with the provider's index), so the same seed gives the same fault decisions per call
     * sequence.
     */
    public B seed(long value) {
        this.seed = value;
        return self();
    }

    /** Uses a running ZooKeeper ensemble ({@code host:port[,...]}) instead of starting an embedded one. */
    public B externalZooKeeper(String connect) {
        if (connect == null || connect.isBlank()) {
            throw new IllegalArgumentException("externalZooKeeper: connect string is empty, was '" + connect + "'");
        }
        this.externalZooKeeper = connect.trim();
        return self();
    }

    /**
     * Records the call history of every client the cluster makes (unless its options carry a history of their
     * own) into {@code dir}, one file per client; see docs/history.md. Off by default.
     */
    public B callHistory(Path dir) {
        this.callHistoryDir = Objects.requireNonNull(dir, "callHistory: dir");
        return self();
    }

    /**
     * The providers' ZooKeeper session timeout: how long the node of a crashed provider stays registered. The
     * provider's default when not set.
     */
    public B providerSessionTimeout(Duration value) {
        Objects.requireNonNull(value, "providerSessionTimeout");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("providerSessionTimeout must be positive, was " + value);
        }
        this.providerSessionTimeout = value;
        return self();
    }

    /**
     * The ZooKeeper session timeout of the clients' discovery: how long a client cut from ZooKeeper keeps its
     * session. The discovery's own default (15 s) when not set.
     */
    public B clientSessionTimeout(Duration value) {
        Objects.requireNonNull(value, "clientSessionTimeout");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("clientSessionTimeout must be positive, was " + value);
        }
        this.clientSessionTimeout = value;
        return self();
    }

    /**
     * Puts a link-fault proxy on every link of the cluster (client to each provider, client to ZooKeeper, each
     * provider to ZooKeeper), reached through {@code RpcCluster.links()}; off by default. Needs a ZooKeeper of one
     * server. See docs/link-faults.md.
     */
    public B links(boolean value) {
        this.links = value;
        return self();
    }

    /** Copies every setting of {@code spec} into this builder. */
    B from(ClusterSpec spec) {
        providers = spec.providers();
        zooKeeperEnsemble = spec.zooKeeperEnsemble();
        basePath = spec.basePath();
        services.clear();
        if (!spec.servesDemoEcho()) {
            services.putAll(spec.services());
        }
        faultPlans.clear();
        faultPlans.putAll(spec.faultPlans());
        clientOptions = spec.clientOptions();
        seed = spec.seed();
        externalZooKeeper = spec.externalZooKeeper().orElse(null);
        callHistoryDir = spec.callHistoryDir().orElse(null);
        providerSessionTimeout = spec.providerSessionTimeout().orElse(null);
        clientSessionTimeout = spec.clientSessionTimeout().orElse(null);
        links = spec.links();
        return self();
    }

    /**
     * The spec of these settings.
     *
     * @throws IllegalArgumentException when a fault plan names a provider the cluster does not have
     */
    ClusterSpec toSpec() {
        if (links && (zooKeeperEnsemble > 1 || (externalZooKeeper != null && externalZooKeeper.contains(",")))) {
            throw new IllegalArgumentException("links: a link stands in front of one ZooKeeper server, but the "
                    + "cluster has " + (externalZooKeeper != null ? "the ensemble " + externalZooKeeper
                    : zooKeeperEnsemble + " servers"));
        }
        for (Integer index : faultPlans.keySet()) {
            if (index >= providers) {
                throw new IllegalArgumentException("faultPlan: fault plan for provider " + index
                        + " but the cluster has " + providers + " providers");
            }
        }
        return new ClusterSpec(this);
    }
}
