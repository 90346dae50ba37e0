package dev.rpcharness.cluster;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.FaultPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one description of a cluster: how many fake providers, what they serve and with which fault plans, which
 * ZooKeeper, the seed of the run and the options of its clients. {@link RpcCluster#start(ClusterSpec)} starts a
 * cluster from it; {@link RpcCluster.Builder}, the load tests' {@code LoadTarget.Builder} and
 * {@code @WithRpcCluster} each map onto it, so the three share these defaults and checks:
 * <ul>
 *   <li>1 provider (0 allowed: the test registers providers of its own), serving the demo {@link EchoService}
 *       when nothing is served;</li>
 *   <li>an embedded ZooKeeper of 1 server, base path {@code /rpc};</li>
 *   <li>seed 0, no fault plan, no call history, the providers' and the clients' own session timeouts, no
 *       links;</li>
 *   <li>client options {@link ConsumerOptions#defaults()}.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. Two specs are equal when every setting is: the implementation suppliers and the
 * fault plans by identity, the client options by {@link ConsumerOptions#equals}. Every bad value is rejected by
 * the {@link Builder} with the option's name and the value ({@link IllegalArgumentException}).
 */
public final class ClusterSpec {

    /** What the providers serve when nothing else is: the demo echo, a fresh implementation per provider. */
    private static final Supplier<EchoService> DEMO_ECHO = EchoServiceImpl::new;
    private static final ClusterSpec DEFAULTS = builder().build();

    private final int providers;
    private final int zooKeeperEnsemble;
    private final String basePath;
    private final Map<Class<?>, Supplier<?>> services;
    private final Map<Integer, FaultPlan> faultPlans;
    private final ConsumerOptions clientOptions;
    private final long seed;
    private final String externalZooKeeper;
    private final Path callHistoryDir;
    private final Duration providerSessionTimeout;
    private final Duration clientSessionTimeout;
    private final boolean links;

    ClusterSpec(ClusterSettings<?> b) {
        this.providers = b.providers;
        this.zooKeeperEnsemble = b.zooKeeperEnsemble;
        this.basePath = b.basePath;
        this.services = Collections.unmodifiableMap(new LinkedHashMap<>(
                b.services.isEmpty() ? Map.of(EchoService.class, DEMO_ECHO) : b.services));
        this.faultPlans = Collections.unmodifiableMap(new LinkedHashMap<>(b.faultPlans));
        this.clientOptions = b.clientOptions;
        this.seed = b.seed;
        this.externalZooKeeper = b.externalZooKeeper;
        this.callHistoryDir = b.callHistoryDir;
        this.providerSessionTimeout = b.providerSessionTimeout;
        this.clientSessionTimeout = b.clientSessionTimeout;
        this.links = b.links;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The spec of a builder nobody changed: the defaults listed above. */
    public static ClusterSpec defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from this spec. */
    public Builder toBuilder() {
        return new Builder().from(this);
    }

    /** Whether the providers serve the demo echo because nothing else was served. */
    boolean servesDemoEcho() {
        return services.size() == 1 && services.get(EchoService.class) == DEMO_ECHO;
    }

    /** Number of fake providers the cluster starts (named {@code p0}, {@code p1}, ...). */
    public int providers() {
        return providers;
    }

    /** Servers of the embedded ZooKeeper (ignored with an {@link #externalZooKeeper()}). */
    public int zooKeeperEnsemble() {
        return zooKeeperEnsemble;
    }

    /** The registry base path, normalised ({@link WireContract#normalizeBasePath}). */
    public String basePath() {
        return basePath;
    }

    /** Each served interface with the supplier of one implementation per provider, in the order given. */
    public Map<Class<?>, Supplier<?>> services() {
        return services;
    }

    /** The fault plan each provider index starts with; providers not named start without faults. */
    public Map<Integer, FaultPlan> faultPlans() {
        return faultPlans;
    }

    /** The plan provider {@code index} starts with, {@link FaultPlan#none()} when none was given. */
    public FaultPlan faultPlan(int index) {
        return faultPlans.getOrDefault(index, FaultPlan.none());
    }

    /** Options of the clients the cluster makes. */
    public ConsumerOptions clientOptions() {
        return clientOptions;
    }

    /** The run's seed: recorded on the timeline, and the fault plans draw their randomness from it. */
    public long seed() {
        return seed;
    }

    /** The connect string of a running ensemble to use instead of an embedded ZooKeeper, if any. */
    public Optional<String> externalZooKeeper() {
        return Optional.ofNullable(externalZooKeeper);
    }

    /** The folder the clients' call histories are written to, if the cluster records them (docs/history.md). */
    public Optional<Path> callHistoryDir() {
        return Optional.ofNullable(callHistoryDir);
    }

    /** The providers' ZooKeeper session timeout, if not the provider's own default. */
    public Optional<Duration> providerSessionTimeout() {
        return Optional.ofNullable(providerSessionTimeout);
    }

    /** The clients' ZooKeeper session timeout, if not the discovery's own default. */
    public Optional<Duration> clientSessionTimeout() {
        return Optional.ofNullable(clientSessionTimeout);
    }

    /** Whether a link-fault proxy stands on every link of the cluster (docs/link-faults.md); false by default. */
    public boolean links() {
        return links;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClusterSpec other)) {
            return false;
        }
        return providers == other.providers && zooKeeperEnsemble == other.zooKeeperEnsemble
                && seed == other.seed && basePath.equals(other.basePath) && services.equals(other.services)
                && faultPlans.equals(other.faultPlans) && clientOptions.equals(other.clientOptions)
                && Objects.equals(externalZooKeeper, other.externalZooKeeper)
                && Objects.equals(callHistoryDir, other.callHistoryDir)
                && Objects.equals(providerSessionTimeout, other.providerSessionTimeout)
                && Objects.equals(clientSessionTimeout, other.clientSessionTimeout) && links == other.links;
    }

    @Override
    public int hashCode() {
        return Objects.hash(providers, zooKeeperEnsemble, basePath, services, faultPlans, clientOptions, seed,
                externalZooKeeper, callHistoryDir, providerSessionTimeout, clientSessionTimeout, links);
    }

    @Override
    public String toString() {
        return "ClusterSpec{providers=" + providers + ", services="
                + services.keySet().stream().map(Class::getSimpleName).toList() + ", faultPlans=" + faultPlans
                + ", seed=" + seed + ", zooKeeper=" + (externalZooKeeper != null ? externalZooKeeper
                : "embedded x" + zooKeeperEnsemble) + basePath
                + (providerSessionTimeout == null ? "" : ", providerSessionTimeout=" + providerSessionTimeout)
                + (clientSessionTimeout == null ? "" : ", clientSessionTimeout=" + clientSessionTimeout)
                + (links ? ", links" : "")
                + (callHistoryDir == null ? "" : ", callHistory=" + callHistoryDir)
                + ", clientOptions=" + clientOptions + "}";
    }

    /**
     * Builds a {@link ClusterSpec}: the setters of {@link ClusterSettings}, each checking its value and naming the
     * option in its error. Not thread-safe.
     */
    public static final class Builder extends ClusterSettings<Builder> {

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The spec.
         *
         * @throws IllegalArgumentException when a fault plan names a provider the cluster does not have
         */
        public ClusterSpec build() {
            return toSpec();
        }
    }
}
