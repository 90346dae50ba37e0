package dev.rpcharness.provider.registration;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Expires a ZooKeeper session on the server, the KillServerSession approach: a second client attaches to the
 * same session (its id and password) and closes it, so the server ends the session and deletes its ephemeral
 * nodes at once, as it would after a session timeout.
 *
 * <p>Stateless; {@link #expire} blocks the calling thread until the server has closed the session, at most the
 * connect timeout, and closes the second client before it returns.
 */
final class SessionKiller {

    private SessionKiller() {
    }

    /**
     * @param session the live client whose session is to end
     * @param name    the provider's name, for messages
     * @throws ProviderRegistryException when the session cannot be attached to within the connect timeout
     */
    static void expire(ZooKeeper session, ProviderEndpoint endpoint, String name) {
        long sessionId = session.getSessionId();
        byte[] password = session.getSessionPasswd();
        String connectString = endpoint.registry();
        long waitMs = endpoint.registryConnectTimeout().toMillis();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper killer = null;
        try {
            killer = new ZooKeeper(connectString, (int) endpoint.sessionTimeout().toMillis(), event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }, sessionId, password);
            if (!connected.await(waitMs, TimeUnit.MILLISECONDS)) {
                throw new ProviderRegistryException("could not attach to session 0x" + Long.toHexString(sessionId)
                        + " of " + name + " at " + connectString + " within " + waitMs + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderRegistryException("interrupted while expiring the session of " + name, e);
        } catch (IOException e) {
            throw new ProviderRegistryException("cannot connect to " + connectString + " to expire the session of "
                    + name, e);
        } finally {
            if (killer != null) {
                close(killer);
            }
        }
    }

    private static void close(ZooKeeper killer) {
        try {
            killer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
