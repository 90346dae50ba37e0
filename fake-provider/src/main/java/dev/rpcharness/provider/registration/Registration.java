package dev.rpcharness.provider.registration;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ZooKeeper session of a provider and its ephemeral node {@code <base>/providers/<host>:<port>}, the single
 * registration code path of every provider of the harness (fake, WireMock, stand-alone). The registry, base path,
 * host, session timeout and connect timeout come from the provider's {@link ProviderEndpoint}; the port is the one
 * the provider bound.
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

    private final ProviderEndpoint endpoint;
    private final String path;
    private final Supplier<byte[]> data;
    private final Listener listener;
    private final String name;
    private final CuratorFramework client;
    private final ScheduledExecutorService thread;
    private volatile boolean ended;
    private final Reregistrar reregistrar;
    private ScheduledFuture<?> pendingExpiry;
    /** Set by whoever ends an abandoned session first: the timer or {@link #close()}. */
    private final AtomicBoolean released = new AtomicBoolean();

    private Registration(Builder b) {
        this.endpoint = b.endpoint;
        this.path = endpoint.nodePath(b.port);
        this.data = b.data;
        this.listener = b.listener;
        this.name = b.name != null ? b.name : endpoint.nameOr("provider-" + b.port);
        this.client = RegistryClients.newClient(endpoint.registry(), endpoint.sessionTimeout(),
                endpoint.registryConnectTimeout(), name + "-curator");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-registry");
            t.setDaemon(true);
            return t;
        });
        this.reregistrar = new Reregistrar(name, path, thread, this::register, () -> ended, listener);
    }

    /**
     * A builder for the node of {@code endpoint} bound to {@code port}, {@link ProviderEndpoint#nodePath(int)}.
     *
     * @param data the node's data, asked for at each (re-)registration and {@link #update()}
     * @throws IllegalArgumentException when the endpoint names no registry or the port is out of range
     */
    public static Builder builder(ProviderEndpoint endpoint, int port, Supplier<byte[]> data) {
        return new Builder(endpoint, port, data);
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
        client.getConnectionStateListenable().addListener(reregistrar, thread);
        client.start();
        long waitMs = endpoint.registryConnectTimeout().toMillis();
        try {
            if (!client.blockUntilConnected((int) waitMs, TimeUnit.MILLISECONDS)) {
                throw new ProviderRegistryException("provider " + name + " could not reach ZooKeeper at "
                        + endpoint.registry() + " within " + waitMs + " ms");
            }
            register();
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ProviderRegistryException("interrupted while registering " + path, e);
        } catch (Exception e) {
            close();
            throw e instanceof ProviderRegistryException known ? known : new ProviderRegistryException("provider "
                    + name + " could not create " + path + " at " + endpoint.registry() + ": " + e, e);
        }
    }

    /**
     * Makes sure the node exists, belongs to this session and carries the current data.
     *
     * @return whether the node had to be created
     */
    private synchronized boolean register() throws Exception {
        EphemeralNode.Claim claim = EphemeralNode.claim(client, path, data, () -> ended);
        if (claim == EphemeralNode.Claim.CONTESTED) {
            throw new ProviderRegistryException("provider " + name + " could not claim " + path + " at "
                    + endpoint.registry() + ": other writers won " + EphemeralNode.CLAIM_ATTEMPTS + " races");
        }
        return claim == EphemeralNode.Claim.CREATED;
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
        SessionKiller.expire(zk, endpoint, name);
        LOG.info("{} session 0x{} expired on the server", name, Long.toHexString(zk.getSessionId()));
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
        reregistrar.cancel();
        long timeoutMs = endpoint.sessionTimeout().toMillis();
        try {
            timeoutMs = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        } catch (Exception e) {
            LOG.debug("{}: negotiated session timeout unknown, using {} ms", name, timeoutMs);
        }
        LOG.info("{} abandoned its session; {} disappears in {} ms", name, path, timeoutMs);
        pendingExpiry = thread.schedule(this::expireAndRelease, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void expireAndRelease() {
        boolean first = releaseSession();
        thread.shutdown(); // this task is the last one: the thread ends when it returns
        if (first) {
            try {
                listener.released(this);
            } catch (RuntimeException e) {
                LOG.warn("{}: release listener failed: {}", name, e.toString());
            }
        }
    }

    /**
     * Ends an abandoned session, once: expires it on the server when connected (the node goes with it) and closes
     * the client; when ZooKeeper is unreachable the server expires the session on its own.
     *
     * @return whether this call ended it (the timer and {@link #close()} race for it)
     */
    private boolean releaseSession() {
        if (!released.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (client.getZookeeperClient().isConnected()) {
                expireSession();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} could not expire its abandoned session: {}", name, e.toString());
        }
        client.close();
        return true;
    }

    /** Deletes the node and closes the session, or ends an abandoned session now. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            reregistrar.cancel();
            if (pendingExpiry != null) {
                // Abandoned and maybe not expired yet: end it now, the node goes with the session.
                pendingExpiry.cancel(false);
                pendingExpiry = null;
                releaseSession();
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
                EphemeralNode.deleteIfOwned(client, path, sessionId());
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
        private final ProviderEndpoint endpoint;
        private final int port;
        private final Supplier<byte[]> data;
        private Listener listener = new Listener() { };
        private String name;

        private Builder(ProviderEndpoint endpoint, int port, Supplier<byte[]> data) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            if (!endpoint.registers()) {
                throw new IllegalArgumentException("cannot register " + endpoint + ": it names no registry");
            }
            this.port = ProviderEndpoint.Builder.checkPort(port);
            this.data = Objects.requireNonNull(data, "data");
        }

        public Builder listener(Listener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** The provider's name in logs and thread names; default the endpoint's, else "provider-&lt;port&gt;". */
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
