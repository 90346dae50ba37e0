package dev.rpcharness.provider;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ZooKeeper session of a provider and its ephemeral node {@code <base>/providers/<host>:<port>}. Registers on
 * {@link #start()}, registers again whenever Curator reports a new connection (after a session loss the node is
 * gone), updates the node's data on demand, and ends in one of two ways: {@link #close()} (node deleted,
 * session closed) or {@link #abandon()} (as after a process crash: the node stays for one session timeout, then
 * the session is expired on the server). {@link #expireSession()} kills the session at once, after which the
 * registration comes back on a new session.
 *
 * <p>Threading: public methods may be called from any thread; re-registration runs on a single thread the
 * registration owns, stopped on close or abandon.
 */
final class ProviderRegistration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistration.class);

    private final String connectString;
    private final Duration sessionTimeout;
    private final Duration connectTimeout;
    private final String path;
    private final Supplier<byte[]> data;
    private final Consumer<String> onReregistered;
    private final String providerName;
    private final CuratorFramework client;
    private final ScheduledExecutorService events;
    private volatile boolean ended;
    private Future<?> pendingExpiry;
    /** Set by whoever ends an abandoned session first: the timer or {@link #close()}. */
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    ProviderRegistration(String connectString, Duration sessionTimeout, Duration connectTimeout, String path,
                         Supplier<byte[]> data, Consumer<String> onReregistered, String providerName) {
        this.connectString = connectString;
        this.sessionTimeout = sessionTimeout;
        this.connectTimeout = connectTimeout;
        this.path = path;
        this.data = data;
        this.onReregistered = onReregistered;
        this.providerName = providerName;
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) Math.min(connectTimeout.toMillis(), sessionTimeout.toMillis()))
                .retryPolicy(new ExponentialBackoffRetry(50, 10, 1_000))
                .build();
        this.events = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, providerName + "-registry");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects and creates the node.
     *
     * @throws ProviderRegistryException when ZooKeeper is not reachable within the connect timeout
     */
    void start() {
        client.getConnectionStateListenable().addListener((c, state) -> onState(state), events);
        client.start();
        try {
            if (!client.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new ProviderRegistryException("provider " + providerName + " could not reach ZooKeeper at "
                        + connectString + " within " + connectTimeout.toMillis() + " ms");
            }
            register();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ProviderRegistryException("interrupted while registering " + path, e);
        } catch (ProviderRegistryException e) {
            throw e;
        } catch (Exception e) {
            close();
            throw new ProviderRegistryException("provider " + providerName + " could not create " + path + " at "
                    + connectString + ": " + e, e);
        }
    }

    private void onState(ConnectionState state) {
        if (ended || !(state == ConnectionState.RECONNECTED)) {
            LOG.debug("{} registry connection {}", providerName, state);
            return;
        }
        try {
            if (register()) {
                LOG.info("{} registered {} again after a session loss", providerName, path);
                onReregistered.accept(path);
            }
        } catch (Exception e) {
            LOG.warn("{} could not register {} again: {}", providerName, path, e.toString());
        }
    }

    /**
     * Makes sure the node exists, belongs to this session and carries the current data.
     *
     * @return whether the node had to be created
     */
    synchronized boolean register() throws Exception {
        for (int attempt = 0; attempt < 5 && !ended; attempt++) {
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            Stat stat = client.checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() == session) {
                client.setData().forPath(path, data.get());
                return false;
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
                return true;
            } catch (KeeperException.NodeExistsException e) {
                // raced with another writer; look again
            }
        }
        if (ended) {
            return false; // closed meanwhile: nothing to register
        }
        throw new ProviderRegistryException("provider " + providerName + " could not claim " + path);
    }

    /** Writes the current data into the node (for example after {@code serve()} while running). */
    void update() {
        if (ended) {
            return;
        }
        try {
            register();
        } catch (Exception e) {
            LOG.warn("{} could not update {}: {}", providerName, path, e.toString());
        }
    }

    /** The current ZooKeeper session id, or 0 when unknown. */
    long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0L;
        }
    }

    /**
     * Expires the session on the server (the KillServerSession approach): a second client attaches to the same
     * session and closes it, so the server deletes the node now. Returns once the server has closed the session;
     * this registration then notices the loss and registers again on a new session.
     */
    void expireSession() {
        ZooKeeper zk;
        try {
            zk = client.getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            throw new ProviderRegistryException("provider " + providerName + " has no ZooKeeper session", e);
        }
        long sessionId = zk.getSessionId();
        byte[] password = zk.getSessionPasswd();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper killer = null;
        try {
            killer = new ZooKeeper(connectString, (int) sessionTimeout.toMillis(), event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }, sessionId, password);
            if (!connected.await(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ProviderRegistryException("could not attach to session 0x" + Long.toHexString(sessionId)
                        + " of " + providerName + " at " + connectString + " within " + connectTimeout.toMillis()
                        + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderRegistryException("interrupted while expiring the session of " + providerName, e);
        } catch (java.io.IOException e) {
            throw new ProviderRegistryException("cannot connect to " + connectString, e);
        } finally {
            if (killer != null) {
                try {
                    killer.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        LOG.info("{} session 0x{} expired on the server", providerName, Long.toHexString(sessionId));
    }

    /**
     * Stops looking after the node, as a crashed process would: nothing re-registers it, and one negotiated
     * session timeout later the session is expired on the server, which deletes the node, exactly when a real
     * crash would have lost it. The session keeps heart-beating until then (a ZooKeeper client cannot be made to
     * go silent without closing its session). Idempotent.
     */
    synchronized void abandon() {
        if (ended) {
            return;
        }
        ended = true;
        long timeoutMs = sessionTimeout.toMillis();
        try {
            timeoutMs = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        } catch (Exception e) {
            LOG.debug("{}: negotiated session timeout unknown, using {} ms", providerName, timeoutMs);
        }
        LOG.info("{} abandoned its session; {} disappears in {} ms", providerName, path, timeoutMs);
        pendingExpiry = events.schedule(this::expireAndRelease, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void expireAndRelease() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            expireSession();
        } catch (RuntimeException e) {
            LOG.warn("{} could not expire its abandoned session: {}", providerName, e.toString());
        } finally {
            client.close();
        }
    }

    /** Deletes the node and closes the session. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (pendingExpiry != null) {
                // Abandoned and not expired yet: end it now, the node goes with the session.
                pendingExpiry.cancel(false);
                if (client.getZookeeperClient().isConnected()) {
                    expireAndRelease();
                } else if (released.compareAndSet(false, true)) {
                    client.close(); // ZooKeeper is unreachable: the server expires the session on its own
                }
                pendingExpiry = null;
                shutdownEvents();
                return;
            }
            if (ended) {
                return;
            }
            ended = true;
        }
        try {
            if (client.getZookeeperClient().isConnected()) {
                Stat stat = client.checkExists().forPath(path);
                if (stat != null && stat.getEphemeralOwner() == sessionId()) {
                    client.delete().forPath(path);
                }
            }
        } catch (Exception e) {
            LOG.debug("{} could not delete {}: {}", providerName, path, e.toString());
        }
        client.close();
        shutdownEvents();
    }

    private void shutdownEvents() {
        events.shutdownNow();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
