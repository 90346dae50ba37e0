package dev.rpcharness.provider.registration;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * The one set of Curator settings of the harness's ZooKeeper clients: provider registrations (fake, WireMock,
 * stand-alone) and the clients that inspect the registry in clusters and tests. A short exponential backoff
 * (50 ms doubling to 1 s, 10 retries) per operation, a connection timeout no longer than the session timeout,
 * and named daemon threads so a leak check can tell whose thread is left.
 *
 * <p>Stateless; every client it builds is owned (started and closed) by the caller.
 */
public final class RegistryClients {

    /** Session timeout asked for when the caller has no opinion. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** How long to wait for a first connection when the caller has no opinion. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    static final int BASE_SLEEP_MS = 50;
    static final int MAX_RETRIES = 10;
    static final int MAX_SLEEP_MS = 1_000;

    private RegistryClients() {
    }

    /**
     * A new, not yet started Curator client.
     *
     * @param threadName prefix of the names of Curator's own threads (ZooKeeper names its send and event threads
     *                   itself)
     */
    public static CuratorFramework newClient(String connectString, Duration sessionTimeout, Duration connectTimeout,
                                             String threadName) {
        int sessionMs = (int) Math.max(1, sessionTimeout.toMillis());
        return CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(sessionMs)
                .connectionTimeoutMs((int) Math.max(1, Math.min(connectTimeout.toMillis(), sessionMs)))
                .retryPolicy(new ExponentialBackoffRetry(BASE_SLEEP_MS, MAX_RETRIES, MAX_SLEEP_MS))
                .threadFactory(daemonThreads(threadName))
                .build();
    }

    /** A client with the default session and connect timeouts. */
    public static CuratorFramework newClient(String connectString, String threadName) {
        return newClient(connectString, DEFAULT_SESSION_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, threadName);
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
