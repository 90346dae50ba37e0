package dev.rpcharness.provider.registration;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The ZooKeeper steps on one provider node that {@link Registration} takes: claim it for the client's current
 * session (take over a node an earlier, crashed session left) and delete it when it is still the session's own.
 *
 * <p>Stateless; each method blocks the calling thread for its ZooKeeper round trips. The caller serialises calls
 * for one node.
 */
final class EphemeralNode {

    /** How often a claim looks again after racing with another writer before it gives up. */
    static final int CLAIM_ATTEMPTS = 5;

    /** What a {@link #claim} did. */
    enum Claim {
        /** The node was created on the current session. */
        CREATED,
        /** The node was the session's own already; its data was rewritten. */
        UPDATED,
        /** The registration ended meanwhile; nothing was done. */
        ENDED,
        /** Other writers won every one of {@link #CLAIM_ATTEMPTS} races. */
        CONTESTED
    }

    private EphemeralNode() {
    }

    /**
     * Makes sure {@code path} exists as an ephemeral node of the client's current session, carrying {@code data}.
     *
     * @param ended asked before every attempt; true stops the claim
     */
    static Claim claim(CuratorFramework client, String path, Supplier<byte[]> data, BooleanSupplier ended)
            throws Exception {
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            if (ended.getAsBoolean()) {
                return Claim.ENDED;
            }
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            Stat stat = client.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() == session) {
                client.setData().forPath(path, data.get());
                return Claim.UPDATED;
            }
            if (stat != null) {
                // A node left by an earlier life of this provider (a crashed session not yet expired).
                try {
                    client.delete().withVersion(stat.getVersion()).forPath(path);
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
                    continue;
                }
            }
            try {
                client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(path, data.get());
                return Claim.CREATED;
            } catch (KeeperException.NodeExistsException e) {
                // raced with another writer; look again
            }
        }
        return ended.getAsBoolean() ? Claim.ENDED : Claim.CONTESTED;
    }

    /** Deletes {@code path} when it is an ephemeral node of {@code session}; otherwise leaves it alone. */
    static void deleteIfOwned(CuratorFramework client, String path, long session) throws Exception {
        Stat stat = client.checkExists().forPath(path);
        if (stat != null && stat.getEphemeralOwner() == session) {
            client.delete().withVersion(stat.getVersion()).forPath(path);
        }
    }
}
