package dev.rpcharness.link.mirror;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.consumer.RegistryException;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror's own registry: one EPHEMERAL node per mirrored provider under {@code <mirrorBasePath>/providers},
 * named and filled as docs/wire-contract.md says, on a ZooKeeper session of its own. Each node is a Curator
 * {@link PersistentNode}, so a node lost with a session (or deleted by someone) is created again once ZooKeeper is
 * back.
 *
 * <p>Threading: not thread-safe; its owner ({@link ProviderMirror}) calls it under its lock. Lifecycle: the
 * constructor connects (bounded wait), {@link #close()} deletes every node and ends the session.
 */
final class MirrorRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MirrorRegistry.class);

    private final MirrorOptions options;
    private final ObjectMapper mapper = RpcJson.newMapper();
    private final ExecutorService notifyExecutor;
    private final CuratorFramework curator;
    private final Map<String, PersistentNode> nodes = new HashMap<>();

    MirrorRegistry(MirrorOptions options) {
        this.options = options;
        this.notifyExecutor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("rpc-mirror-registry", true));
        this.curator = CuratorFrameworkFactory.builder().runSafeService(notifyExecutor)
                .connectString(options.zookeeper())
                .sessionTimeoutMs((int) options.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) options.connectTimeout().toMillis())
                .retryPolicy(new ExponentialBackoffRetry(100, 20, 1_000)).build();
        curator.start();
        boolean connected;
        try {
            connected = curator.blockUntilConnected((int) options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            closeSession();
            throw new RegistryException("mirror cannot reach ZooKeeper at " + options.zookeeper() + " within "
                    + options.connectTimeout().toMillis() + " ms");
        }
    }

    /** The path of the mirror node for {@code node}'s address. */
    String pathOf(ProviderNode node) {
        return WireContract.providerNodePath(options.mirrorBasePath(), node.host(), node.port());
    }

    /** Creates the node of {@code node}'s address, or rewrites its data when the mirror has it already. */
    void put(ProviderNode node) {
        byte[] data = node.toJson(mapper);
        PersistentNode existing = nodes.get(node.address());
        if (existing != null) {
            try {
                if (existing.waitForInitialCreate(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    existing.setData(data);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("mirror node {}: rewriting its data failed ({}); creating it again", pathOf(node),
                        e.toString());
            }
            remove(node.address());
        }
        PersistentNode created = new PersistentNode(curator, CreateMode.EPHEMERAL, false, pathOf(node), data);
        created.start();
        nodes.put(node.address(), created);
    }

    /** Deletes the node of that mirror address, if the mirror has one. */
    void remove(String mirrorAddress) {
        PersistentNode node = nodes.remove(mirrorAddress);
        if (node != null) {
            try {
                node.close();
            } catch (IOException | RuntimeException e) {
                log.warn("mirror node of {} could not be deleted: {}", mirrorAddress, e.toString());
            }
        }
    }

    /** The session's client, for the mirror's tests. */
    CuratorFramework curator() {
        return curator;
    }

    /** Deletes every mirror node and ends the session. */
    @Override
    public void close() {
        for (String address : new ArrayList<>(nodes.keySet())) {
            remove(address);
        }
        closeSession();
    }

    private void closeSession() {
        curator.close();
        notifyExecutor.shutdown();
        try {
            if (!notifyExecutor.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                notifyExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notifyExecutor.shutdownNow();
        }
    }

    /** The addresses with a node, for the mirror's tests. */
    List<String> addresses() {
        return List.copyOf(nodes.keySet());
    }
}
