package dev.rpcharness.cluster;

import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.registration.RegistryClients;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;

/**
 * Reads a cluster's registry directly, as a test sees it: which provider nodes exist right now. Its ZooKeeper
 * client is made on first use.
 *
 * <p>Threading: thread-safe. Lifecycle: {@link #close()} (idempotent) closes the client; reading after close
 * throws {@link IllegalStateException}.
 */
final class RegistryInspector implements AutoCloseable {

    private static final long CONNECT_WAIT_SECONDS = 5;

    private final String connectString;
    private final String providersPath;
    private CuratorFramework client;
    private boolean closed;

    RegistryInspector(String connectString, String basePath) {
        this.connectString = connectString;
        this.providersPath = WireContract.providersPath(basePath);
    }

    /**
     * The provider addresses registered right now, sorted.
     *
     * @throws IllegalStateException when closed, or when ZooKeeper cannot be read within a few seconds
     */
    List<String> registeredProviders() {
        CuratorFramework zk;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("registeredProviders: cluster at " + connectString + " is closed");
            }
            if (client == null) {
                client = RegistryClients.newClient(connectString, "cluster-inspector");
                client.start();
            }
            zk = client;
        }
        try {
            if (!zk.blockUntilConnected((int) CONNECT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("cannot reach ZooKeeper at " + connectString + " within "
                        + TimeUnit.SECONDS.toMillis(CONNECT_WAIT_SECONDS) + " ms");
            }
            if (zk.checkExists().forPath(providersPath) == null) {
                return List.of();
            }
            List<String> children = new ArrayList<>(zk.getChildren().forPath(providersPath));
            Collections.sort(children);
            return children;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + providersPath, e);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + providersPath + " on ZooKeeper at " + connectString, e);
        }
    }

    @Override
    public void close() {
        CuratorFramework zk;
        synchronized (this) {
            closed = true;
            zk = client;
            client = null;
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Override
    public String toString() {
        return "RegistryInspector[" + connectString + providersPath + "]";
    }
}
