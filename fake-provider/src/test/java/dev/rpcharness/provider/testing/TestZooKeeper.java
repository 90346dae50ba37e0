package dev.rpcharness.provider.testing;

import dev.rpcharness.provider.registration.RegistryClients;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper server (curator-test) with a short tick, so sessions of one to a few seconds are allowed, and
 * a Curator client to inspect it. Closes both and removes its data folder.
 */
public final class TestZooKeeper implements AutoCloseable {

    private final TestingServer server;
    private final CuratorFramework client;

    public TestZooKeeper() throws Exception {
        InstanceSpec spec = new InstanceSpec(Files.createTempDirectory("zk").toFile(), -1, -1, -1, true, -1, 250,
                -1, Map.of("minSessionTimeout", "500", "maxSessionTimeout", "20000"));
        server = new TestingServer(spec, true);
        client = RegistryClients.newClient(server.getConnectString(), "test-zookeeper");
        client.start();
        client.blockUntilConnected();
    }

    public String connectString() {
        return server.getConnectString();
    }

    /** An inspecting client (closed with this). */
    public CuratorFramework client() {
        return client;
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
    }
}
