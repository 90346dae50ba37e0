package dev.rpcharness.loadtest.spread;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Opens an injector's own ZooKeeper session to the run's coordinator. */
final class CoordinatorSession {

    private CoordinatorSession() {
    }

    /**
     * A started client, connected within 30 s.
     *
     * @throws IllegalStateException when no ZooKeeper answers at {@code connectString} in time (the client is closed)
     */
    static CuratorFramework open(String connectString, String runId) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connectString)
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000)
                .retryPolicy(new ExponentialBackoffRetry(200, 5)).build();
        client.start();
        try {
            if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("run " + runId + ": no coordinator (ZooKeeper) at " + connectString
                        + " within 30 s");
            }
            return client;
        } catch (InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
