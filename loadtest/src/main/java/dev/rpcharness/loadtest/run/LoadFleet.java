package dev.rpcharness.loadtest.run;

import dev.rpcharness.cluster.ClusterHistory;
import dev.rpcharness.cluster.ClusterSpec;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.provider.FakeProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a load target's client calls, and the client: an embedded {@link RpcCluster} started from the target's
 * {@link ClusterSpec}, or a fleet running elsewhere, found in the spec's external ZooKeeper.
 *
 * <p>Lifecycle: {@link #start} once; {@link #close()} closes the client and the embedded cluster, logging a
 * failure rather than throwing it. Threading: the accessors may be called from any thread.
 */
final class LoadFleet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadFleet.class);
    private static final Duration EXTERNAL_DISCOVERY_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final RpcCluster cluster;
    private final ConsumerClient client;
    /** The external fleet's client's call history, or null (an embedded cluster keeps its own). */
    private final ClusterHistory externalHistory;

    private LoadFleet(String name, RpcCluster cluster, ConsumerClient client, ClusterHistory externalHistory) {
        this.name = name;
        this.cluster = cluster;
        this.client = client;
        this.externalHistory = externalHistory;
    }

    /**
     * Starts the embedded cluster and its client, or only a client of the external fleet.
     *
     * @param historyDir where the embedded cluster records its clients' calls (or, for an external fleet, where
     *                   the client records its own), or null to record none
     */
    static LoadFleet start(String name, ClusterSpec spec, boolean external, Path historyDir) {
        if (external) {
            String zooKeeper = spec.externalZooKeeper().orElseThrow(() -> new IllegalArgumentException(
                    "rpc.fleet=external needs rpc.zookeeper=host:port"));
            log.info("load target {}: external fleet in ZooKeeper {}{}", name, zooKeeper, spec.basePath());
            // Named after the folder (a spread run's host names it after the injector), so reports tell them apart.
            ClusterHistory history = historyDir == null ? null
                    : new ClusterHistory(historyDir, historyDir.getFileName() + "-client-");
            ConsumerOptions options = history == null ? spec.clientOptions() : history.attach(spec.clientOptions());
            try {
                return new LoadFleet(name, null, new ConsumerClient(new ServiceDiscovery(zooKeeper, spec.basePath(),
                        EXTERNAL_DISCOVERY_WAIT), options), history);
            } catch (RuntimeException e) {
                if (history != null) {
                    history.close();
                }
                throw e;
            }
        }
        RpcCluster cluster = RpcCluster.start(historyDir == null ? spec
                : spec.toBuilder().callHistory(historyDir).build());
        try {
            ConsumerClient client = cluster.newClient(spec.clientOptions());
            log.info("load target {}: {} providers, ZooKeeper {}", name, spec.providers(), cluster.connectString());
            return new LoadFleet(name, cluster, client, null);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The embedded cluster, or null for an external fleet. */
    RpcCluster cluster() {
        return cluster;
    }

    /** Calls each embedded provider received so far, by {@code host:port}; empty for an external fleet. */
    Map<String, Long> receivedByProvider() {
        Map<String, Long> received = new LinkedHashMap<>();
        if (cluster != null) {
            for (FakeProvider p : cluster.providers()) {
                received.put(p.address(), p.stats().received());
            }
        }
        return received;
    }

    /** The client under load (the embedded cluster tracks and closes it). */
    ConsumerClient client() {
        return client;
    }

    @Override
    public void close() {
        if (cluster == null) {
            try {
                client.close();
            } catch (RuntimeException e) {
                log.warn("closing the client of {} failed", name, e);
            }
            if (externalHistory != null) {
                try {
                    externalHistory.close(); // after the client, so its last ends are written
                } catch (RuntimeException e) {
                    log.warn("closing the call history of {} failed", name, e);
                }
            }
            return;
        }
        try {
            cluster.close();
        } catch (RuntimeException e) {
            log.warn("closing the cluster of {} failed", name, e);
        }
    }
}
