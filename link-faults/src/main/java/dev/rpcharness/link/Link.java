package dev.rpcharness.link;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process TCP proxy in front of one upstream address, whose traffic the {@link Toxic}s shape: Toxiproxy's
 * "proxy", named a link here.
 *
 * <p>Lifecycle: {@link #start()} listens (port 0 picks a free port, kept for later {@link #enable()}s);
 * {@link #disable()} stops listening (new connections are refused) and closes the open ones; {@link #enable()}
 * listens again; {@link #close()} ends it for good and releases its threads if it made them.
 *
 * <p>Threading: every public method is safe from any thread and never blocks on a connection's traffic (start,
 * enable and disable wait for the listening socket only; a toxic change waits, briefly, until the open connections'
 * event loops have applied it). Toxic changes reach the open connections according to
 * the link's {@link ToxicScope}. Which connections a toxic with toxicity below 1 affects is drawn from the link's
 * seed, the connection's number (in accept order) and the toxic's name, so a run with the same seed replays.
 */
public final class Link implements AutoCloseable {

    private enum State { NEW, ENABLED, DISABLED, CLOSED }

    private final String name;
    private final long seed;
    private final ToxicScope scope;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Set<LinkConnection> connections = ConcurrentHashMap.newKeySet();
    private final LinkListener listener;
    private final AtomicLong held = new AtomicLong();
    private volatile List<Toxic> toxics = List.of();
    private volatile InetSocketAddress listen;
    private volatile InetSocketAddress upstream;
    private volatile State state = State.NEW; // written under the lock, read without it by the event loops

    private Link(Builder b) {
        this.name = b.name;
        this.seed = b.seed;
        this.scope = b.scope;
        this.listen = b.listen;
        this.upstream = b.upstream;
        this.ownsGroup = b.group == null;
        this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()) : b.group;
        this.listener = new LinkListener(name, group, b.connectTimeout, () -> upstream, this::paired);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Listens on the configured address; returns this. A port already taken is a LinkException naming it. */
    public synchronized Link start() {
        if (state != State.NEW) {
            throw new IllegalStateException("link '" + name + "' is " + state + ", start() needs NEW");
        }
        bind();
        state = State.ENABLED;
        return this;
    }

    /** Stops listening (connections are refused) and closes every open connection. Idempotent. */
    public synchronized void disable() {
        requireStarted("disable");
        if (state == State.ENABLED) {
            state = State.DISABLED; // first, so a connection paired meanwhile closes itself
            unbind();
        }
    }

    /** Listens again on the same address and port. Idempotent. */
    public synchronized void enable() {
        requireStarted("enable");
        if (state == State.DISABLED) {
            bind();
            state = State.ENABLED;
        }
    }

    /** Moves the link to another listening address; open connections are closed, as in Toxiproxy. */
    public synchronized void listenOn(InetSocketAddress address) {
        requireStarted("listenOn");
        boolean wasEnabled = state == State.ENABLED;
        if (wasEnabled) {
            unbind();
        }
        listen = Objects.requireNonNull(address, "address");
        if (wasEnabled) {
            bind();
        }
    }

    /** Points new connections at another upstream; open ones keep theirs. */
    public void upstream(InetSocketAddress address) {
        upstream = Objects.requireNonNull(address, "address");
    }

    /** Adds a toxic; a toxic of the same name already there is a LinkException. */
    public synchronized void addToxic(Toxic toxic) {
        if (find(toxic.name()) != null) {
            throw new LinkException("link '" + name + "' already has a toxic named '" + toxic.name() + "'");
        }
        List<Toxic> next = new ArrayList<>(toxics);
        next.add(toxic);
        publish(next);
    }

    /** Replaces the toxic of the same name; none of that name is a LinkException. */
    public synchronized void updateToxic(Toxic toxic) {
        List<Toxic> next = new ArrayList<>(toxics);
        int i = next.indexOf(find(toxic.name()));
        if (i < 0) {
            throw new LinkException("link '" + name + "' has no toxic named '" + toxic.name() + "'");
        }
        next.set(i, toxic);
        publish(next);
    }

    /** Removes a toxic by name; returns whether there was one. */
    public synchronized boolean removeToxic(String toxicName) {
        Toxic t = find(toxicName);
        if (t == null) {
            return false;
        }
        List<Toxic> next = new ArrayList<>(toxics);
        next.remove(t);
        publish(next);
        return true;
    }

    /** Removes every toxic. */
    public synchronized void removeAllToxics() {
        publish(List.of());
    }

    /** The toxic of that name, or null. */
    public Toxic toxic(String toxicName) {
        return find(toxicName);
    }

    /** The toxics in the order they were added (the order they are applied in). */
    public List<Toxic> toxics() {
        return toxics;
    }

    public String name() {
        return name;
    }

    /** The address it listens on; after start with port 0, the port that was picked. */
    public InetSocketAddress listenAddress() {
        return listen;
    }

    /** The port it listens on. */
    public int port() {
        return listen.getPort();
    }

    /** {@code host:port} to connect to the link, e.g. to register in ZooKeeper. */
    public String address() {
        return listen.getHostString() + ":" + listen.getPort();
    }

    public InetSocketAddress upstream() {
        return upstream;
    }

    public boolean isEnabled() {
        return state == State.ENABLED;
    }

    public ToxicScope scope() {
        return scope;
    }

    /**
     * Bytes read from either side and not yet passed on (held by a toxic, or waiting for a slow reader), over all
     * connections. Backpressure keeps it near 64 KiB per direction and connection at most.
     */
    public long heldBytes() {
        return held.get();
    }

    /** Connections open through the link now. */
    public int openConnections() {
        return connections.size();
    }

    /** Stops listening, closes every connection and, if the link made its threads, stops them. Idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean listening = state == State.ENABLED;
        state = State.CLOSED;
        if (listening) {
            unbind();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return "Link[" + name + " " + address() + " -> " + upstream.getHostString() + ":" + upstream.getPort() + "]";
    }

    /**
     * Installs {@code next}; with {@link ToxicScope#OPEN_AND_NEW} each open connection applies it on its event loop,
     * and (unless called from an event loop) this waits, at most 5 s, until they have: when a toxic change returns,
     * the next byte through the link meets it.
     */
    private void publish(List<Toxic> next) {
        toxics = List.copyOf(next);
        if (scope == ToxicScope.OPEN_AND_NEW) {
            List<io.netty.util.concurrent.Future<?>> applied = new ArrayList<>();
            boolean mayWait = true;
            for (LinkConnection c : connections) {
                mayWait &= !c.onEventLoop();
                applied.add(c.applyToxicsLater(toxics));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (io.netty.util.concurrent.Future<?> f : applied) {
                if (!mayWait) {
                    break;
                }
                f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }
    }

    private Toxic find(String toxicName) {
        for (Toxic t : toxics) {
            if (t.name().equals(toxicName)) {
                return t;
            }
        }
        return null;
    }

    private void requireStarted(String what) {
        if (state == State.NEW || state == State.CLOSED) {
            throw new IllegalStateException("link '" + name + "' is " + state + ", " + what + "() needs it started");
        }
    }

    private void bind() {
        listen = listener.bind(listen);
    }

    private void unbind() {
        listener.unbind();
        for (LinkConnection c : connections) {
            c.closeLater();
        }
    }

    /** On the pair's event loop: a new connection through the link, with the toxics it starts with. */
    private void paired(long index, SocketChannel client, Channel server) {
        LinkConnection c = new LinkConnection(name, index, seed, client, server, held, connections::remove);
        connections.add(c);
        c.applyToxics(toxics);
        if (!isEnabledNow()) {
            c.close(); // disabled while the upstream connection was being made
            return;
        }
        c.startReading();
    }

    /** Unlocked: event loops call it, and disable() holds the lock while it waits for them. */
    private boolean isEnabledNow() {
        return state == State.ENABLED;
    }

    /** How to build a link; name, listen and upstream addresses are needed. */
    public static final class Builder {
        private String name;
        private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
        private InetSocketAddress upstream;
        private long seed;
        private ToxicScope scope = ToxicScope.OPEN_AND_NEW;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private EventLoopGroup group;

        private Builder() {
        }

        /** Unique among the links of one {@link Links}; letters, digits, '-', '_' and '.'. */
        public Builder name(String value) {
            if (value == null || !value.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("link name must be letters, digits, '.', '_' or '-', was '"
                        + value + "'");
            }
            this.name = value;
            return this;
        }

        /** Where to listen; default 127.0.0.1 and port 0 (a free port). */
        public Builder listen(String host, int port) {
            this.listen = address("listen", host, port);
            return this;
        }

        /** Where each connection is forwarded to. */
        public Builder upstream(String host, int port) {
            this.upstream = address("upstream", host, port);
            return this;
        }

        /** The seed from which toxicity draws and jitter come; default 0. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Whether toxic changes reach open connections; default {@link ToxicScope#OPEN_AND_NEW}. */
        public Builder scope(ToxicScope value) {
            this.scope = Objects.requireNonNull(value, "scope");
            return this;
        }

        /** How long to wait for the upstream's connect; default 5 s. */
        public Builder connectTimeout(Duration value) {
            if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connectTimeout must be positive, was " + value);
            }
            this.connectTimeout = value;
            return this;
        }

        /** Event loops to share with other links (not shut down by the link); default: one thread of its own. */
        public Builder eventLoopGroup(EventLoopGroup value) {
            this.group = value;
            return this;
        }

        public Link build() {
            if (name == null) {
                throw new IllegalArgumentException("link needs a name");
            }
            if (upstream == null) {
                throw new IllegalArgumentException("link '" + name + "' needs an upstream address");
            }
            return new Link(this);
        }

        static InetSocketAddress address(String what, String host, int port) {
            if (host == null || host.isBlank() || port < 0 || port > 65535) {
                throw new IllegalArgumentException(what + " address must be a host and a port in 0..65535, was "
                        + host + ":" + port);
            }
            return new InetSocketAddress(host, port);
        }
    }
}
