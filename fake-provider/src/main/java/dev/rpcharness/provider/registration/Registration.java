package dev.rpcharness.provider.registration;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ZooKeeper session of a provider and its ephemeral node {@code <base>/providers/<host>:<port>}, the single
 * registration code path of every provider of the harness (fake, WireMock, stand-alone).
 *
 * <p>Life cycle: {@link #start()} connects and creates the node (or fails with {@link ProviderRegistryException});
 * after every session loss the node is created again on the new session, and a failed attempt is retried with
 * backoff (up to {@link #MAX_RETRY_DELAY}) until it succeeds or the registration ends. It ends in one of two ways:
 * {@link #close()} (node deleted, session closed, threads stopped) or {@link #abandon()} (as after a process crash:
 * the node stays for one negotiated session timeout, then the session is expired on the server and the
 * registration releases its session and its thread by itself). {@link #expireSession()} kills the session at once;
 * the node then comes back on a new session.
 *
 * <p>Threading: public methods may be called from any thread. Re-registration and the abandoned session's expiry
 * run on one thread the registration owns ({@code <name>-registry}), which ends on close or once an abandoned
 * session is released. Listener callbacks run on that thread.
 */
public final class Registration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    /** Longest pause between two attempts to register again after a session loss. */
    public static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(2);
    private static final long FIRST_RETRY_DELAY_MS = 50;

    /** What a registration reports to its owner. Called on the registration's thread; must not block long. */
    public interface Listener {
        /** The node was created again after a session loss. */
        default void reregistered(String path) {
        }

        /** An attempt to create the node again failed; another follows after {@code retryInMs}. */
        default void reregisterFailed(String path, Exception cause, long retryInMs) {
        }

        /** An abandoned registration expired its session and released everything it held. */
        default void released(Registration registration) {
        }
    }

    private final String connectString;
    private final Duration sessionTimeout;
    private final Duration connectTimeout;
    private final String path;
    private final Supplier<byte[]> data;
    private final Listener listener;
    private final String name;
    private final CuratorFramework client;
    private final ScheduledExecutorService thread;
    private volatile boolean ended;
    private ScheduledFuture<?> pendingExpiry;
    private ScheduledFuture<?> pendingRetry;
    /** Set by whoever ends an abandoned session first: the timer or {@link #close()}. */
    private final AtomicBoolean released = new AtomicBoolean();

    private Registration(Builder b) {
        this.connectString = b.connectString;
        this.sessionTimeout = b.sessionTimeout;
        this.connectTimeout = b.connectTimeout;
        this.path = b.path;
        this.data = b.data;
        this.listener = b.listener;
        this.name = b.name;
        this.client = RegistryClients.newClient(connectString, sessionTimeout, connectTimeout, name + "-curator");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-registry");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A builder for the node {@code path} in the ZooKeeper at {@code connectString}.
     *
     * @param data the node's data, asked for at each (re-)registration and {@link #update()}
     */
    public static Builder builder(String connectString, String path, Supplier<byte[]> data) {
        return new Builder(connectString, path, data);
    }

    /** The node's path. */
    public String path() {
        return path;
    }

    /**
     * Connects and creates the node; returns this.
     *
     * @throws ProviderRegistryException when ZooKeeper is not reachable within the connect timeout or the node
     *                                   cannot be created (everything is released again)
     */
    public Registration start() {
        client.getConnectionStateListenable().addListener((c, state) -> onState(state), thread);
        client.start();
        try {
            if (!client.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new ProviderRegistryException("provider " + name + " could not reach ZooKeeper at "
                        + connectString + " within " + connectTimeout.toMillis() + " ms");
            }
            register();
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ProviderRegistryException("interrupted while registering " + path, e);
        } catch (ProviderRegistryException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new ProviderRegistryException("provider " + name + " could not create " + path + " at "
                    + connectString + ": " + e, e);
        }
    }

    private void onState(ConnectionState state) {
        LOG.debug("{} registry connection {}", name, state);
        if (state == ConnectionState.RECONNECTED && !ended) {
            scheduleAttempt(0L, FIRST_RETRY_DELAY_MS);
        }
    }

    private synchronized void scheduleAttempt(long delayMs, long nextDelayMs) {
        if (ended) {
            return;
        }
        if (pendingRetry != null) {
            pendingRetry.cancel(false);
        }
        pendingRetry = thread.schedule(() -> attempt(nextDelayMs), delayMs, TimeUnit.MILLISECONDS);
    }

    /** One attempt to register again; on failure the next one is scheduled with a doubled delay. */
    private void attempt(long delayMs) {
        if (ended) {
            return;
        }
        try {
            if (register()) {
                LOG.info("{} registered {} again after a session loss", name, path);
                listener.reregistered(path);
            }
        } catch (Exception e) {
            if (ended) {
                return;
            }
            LOG.warn("{} could not register {} again, retrying in {} ms: {}", name, path, delayMs, e.toString());
            listener.reregisterFailed(path, e, delayMs);
            scheduleAttempt(delayMs, Math.min(delayMs * 2, MAX_RETRY_DELAY.toMillis()));
        }
    }

    /**
     * Makes sure the node exists, belongs to this session and carries the current data.
     *
     * @return whether the node had to be created
     */
    private synchronized boolean register() throws Exception {
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
            return false; // ended meanwhile: nothing to register
        }
        throw new ProviderRegistryException("provider " + name + " could not claim " + path + " at "
                + connectString);
    }

    /**
     * Writes the current data into the node (for example after a service was added while running). A failure is
     * logged; the next re-registration writes the data anyway.
     */
    public void update() {
        if (ended) {
            return;
        }
        try {
            register();
        } catch (Exception e) {
            LOG.warn("{} could not update {}: {}", name, path, e.toString());
        }
    }

    /** The current ZooKeeper session id, or 0 when unknown. */
    public long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0L;
        }
    }

    /** Whether the registration has been abandoned or closed. */
    public boolean ended() {
        return ended;
    }

    /** Whether an abandoned (or closed) registration has released its session and its thread. */
    public boolean released() {
        return released.get() && thread.isTerminated();
    }

    /**
     * Expires the session on the server (the KillServerSession approach): a second client attaches to the same
     * session and closes it, so the server deletes the node now. Returns once the server has closed the session;
     * this registration then notices the loss and registers again on a new session.
     *
     * @throws ProviderRegistryException when the session cannot be reached
     */
    public void expireSession() {
        ZooKeeper zk;
        try {
            zk = client.getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            throw new ProviderRegistryException("provider " + name + " has no ZooKeeper session", e);
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
                        + " of " + name + " at " + connectString + " within " + connectTimeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderRegistryException("interrupted while expiring the session of " + name, e);
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
        LOG.info("{} session 0x{} expired on the server", name, Long.toHexString(sessionId));
    }

    /**
     * Stops looking after the node, as a crashed process would: nothing re-registers it, and one negotiated
     * session timeout later the session is expired on the server, which deletes the node, exactly when a real
     * crash would have lost it; then the session and the registration's thread are released and
     * {@link Listener#released} is called. The session keeps heart-beating until then (a ZooKeeper client cannot
     * be made to go silent without closing its session). Idempotent.
     */
    public synchronized void abandon() {
        if (ended) {
            return;
        }
        ended = true;
        cancelRetry();
        long timeoutMs = sessionTimeout.toMillis();
        try {
            timeoutMs = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        } catch (Exception e) {
            LOG.debug("{}: negotiated session timeout unknown, using {} ms", name, timeoutMs);
        }
        LOG.info("{} abandoned its session; {} disappears in {} ms", name, path, timeoutMs);
        pendingExpiry = thread.schedule(this::expireAndRelease, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void expireAndRelease() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            if (client.getZookeeperClient().isConnected()) {
                expireSession();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} could not expire its abandoned session: {}", name, e.toString());
        } finally {
            client.close();
            thread.shutdown(); // this task is the last one: the thread ends when it returns
        }
        try {
            listener.released(this);
        } catch (RuntimeException e) {
            LOG.warn("{}: release listener failed: {}", name, e.toString());
        }
    }

    private void cancelRetry() {
        if (pendingRetry != null) {
            pendingRetry.cancel(false);
            pendingRetry = null;
        }
    }

    /** Deletes the node and closes the session, or ends an abandoned session now. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            cancelRetry();
            if (pendingExpiry != null) {
                // Abandoned and maybe not expired yet: end it now, the node goes with the session.
                pendingExpiry.cancel(false);
                pendingExpiry = null;
                if (released.compareAndSet(false, true)) {
                    try {
                        if (client.getZookeeperClient().isConnected()) {
                            expireSession();
                        }
                    } catch (RuntimeException e) {
                        LOG.debug("{} could not expire its abandoned session: {}", name, e.toString());
                    }
                    client.close(); // when ZooKeeper is unreachable the server expires the session on its own
                }
                shutdownThread();
                return;
            }
            if (ended) {
                shutdownThread();
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
            LOG.debug("{} could not delete {}: {}", name, path, e.toString());
        }
        released.set(true);
        client.close();
        shutdownThread();
    }

    private void shutdownThread() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("{}: registry thread still busy 5 s after close", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Registration[" + name + " " + path + (ended ? " ended" : "") + "]";
    }

    /** Configures a {@link Registration}; not thread-safe, used once. */
    public static final class Builder {
        private final String connectString;
        private final String path;
        private final Supplier<byte[]> data;
        private Duration sessionTimeout = RegistryClients.DEFAULT_SESSION_TIMEOUT;
        private Duration connectTimeout = RegistryClients.DEFAULT_CONNECT_TIMEOUT;
        private Listener listener = new Listener() { };
        private String name = "provider";

        private Builder(String connectString, String path, Supplier<byte[]> data) {
            this.connectString = Objects.requireNonNull(connectString, "connectString");
            this.path = Objects.requireNonNull(path, "path");
            this.data = Objects.requireNonNull(data, "data");
        }

        /** Session timeout asked for (the server bounds it); default 10 s. */
        public Builder sessionTimeout(Duration value) {
            this.sessionTimeout = Objects.requireNonNull(value, "sessionTimeout");
            return this;
        }

        /** How long {@link #start()} waits for ZooKeeper; default 15 s. */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
            return this;
        }

        public Builder listener(Listener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** The provider's name, in logs and thread names. */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /** The registration, not started. */
        public Registration build() {
            return new Registration(this);
        }
    }
}
