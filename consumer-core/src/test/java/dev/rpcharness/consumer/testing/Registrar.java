package dev.rpcharness.consumer.testing;

import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;

/**
 * Registers test peers in ZooKeeper the way docs/wire-contract.md says a provider does: one ephemeral node per provider
 * under {@code /rpc/providers}, held by this registrar's own session. Closing it ends that session.
 */
public final class Registrar implements AutoCloseable {

    private final CuratorFramework curator;
    private final String basePath;

    public Registrar(String connectString) {
        this(connectString, WireContract.DEFAULT_BASE_PATH);
    }

    public Registrar(String connectString, String basePath) {
        this.basePath = basePath;
        this.curator = CuratorFrameworkFactory.newClient(connectString, 10_000, 5_000, new RetryOneTime(100));
        curator.start();
    }

    /** Registers the peer as serving the given interfaces. */
    public void register(WirePeer peer, Class<?>... services) throws Exception {
        List<String> names = java.util.Arrays.stream(services).map(Class::getName).toList();
        ProviderNode node = new ProviderNode("127.0.0.1", peer.port(), names, 1);
        write(WireContract.providerNodePath(basePath, "127.0.0.1", peer.port()), node.toJson(RpcJson.newMapper()));
    }

    /** Writes any bytes as an ephemeral provider node named {@code name}. */
    public void writeRaw(String name, byte[] data) throws Exception {
        write(WireContract.providersPath(basePath) + "/" + name, data);
    }

    private void write(String path, byte[] data) throws Exception {
        curator.create().orSetData().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
    }

    public void deregister(WirePeer peer) throws Exception {
        curator.delete().forPath(WireContract.providerNodePath(basePath, "127.0.0.1", peer.port()));
    }

    public CuratorFramework curator() {
        return curator;
    }

    @Override
    public void close() {
        curator.close();
    }
}
