package dev.rpcharness.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultPlanHistory;
import dev.rpcharness.provider.registration.ProviderRegistryException;
import dev.rpcharness.provider.registration.Registration;
import dev.rpcharness.provider.registration.Registrations;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider that speaks the wire contract (docs/wire-contract.md) over Netty (HTTP/1.1, keep-alive, pipelining,
 * answers out of order), registers itself in ZooKeeper, and injects faults on demand: a {@link FaultPlan} per call,
 * and whole-provider chaos ({@link #crash}, {@link #freeze}, {@link #stop}, {@link #restart}, {@link #expireSession}).
 *
 * <pre>{@code
 * try (FakeProvider p = FakeProvider.builder().registry(zk).serve(HelloService.class, new HelloImpl())
 *         .faultPlan(FaultPlan.of(FaultRule.forMethod("hello", Fault.reset()).everyNth(3))).build().start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Life cycle: {@code NEW -start-> RUNNING <-freeze/thaw-> FROZEN}; {@code crash} and {@code stop} leave
 * {@code CRASHED} and {@code STOPPED}, from which {@code restart} binds the same port again; {@code close} ends
 * everything from any state. Life-cycle methods are thread-safe (serialised) and synchronous: they return when
 * the step is done. Listeners run on the calling thread after the step. The provider owns an I/O event loop
 * group and a worker pool for implementations; both live from {@code start} to {@code close}.
 */
public final class FakeProvider implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FakeProvider.class);

    private final String host;
    private final String registry;
    private final String basePath;
    private final String configuredName;
    private final Duration sessionTimeout;
    private final Duration drainTimeout;
    private final Duration quietPeriod;
    private final Duration registryConnectTimeout;
    private final int weight;
    private final int ioThreads;
    private final int workerThreads;
    private final boolean blockingImplementations;
    private final int maxRequestBytes;
    private final ObjectMapper mapper = RpcJson.newMapper();
    private final ServiceTable services = new ServiceTable();
    private final ProviderStats stats = new ProviderStats();
    private final ConnectionSet connections = new ConnectionSet();
    private final ProviderListeners listeners = new ProviderListeners();
    /** Serialises life-cycle steps (which may block for a drain). */
    private final Object lock = new Object();
    /** Guards plan replacement only, so a plan can change while a life-cycle step runs. */
    private final Object planLock = new Object();

    private volatile int port;
    private volatile ProviderState state = ProviderState.NEW;
    private volatile FaultPlan plan;
    private final FaultPlanHistory planHistory;
    private EventLoopGroup group;
    private ExecutorService workers;
    private volatile CallDispatcher dispatcher;
    /** Calls executed in every life of this provider (131,072 kept), for the call-history checker. */
    private final ExecutedCalls executed = new ExecutedCalls(1 << 17);
    private Channel serverChannel;
    /** This provider's lives in ZooKeeper; null without a registry. */
    private final Registrations registrations;

    private FakeProvider(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.registry = b.registry;
        this.basePath = b.basePath;
        this.configuredName = b.name;
        this.sessionTimeout = b.sessionTimeout;
        this.drainTimeout = b.drainTimeout;
        this.quietPeriod = b.quietPeriod;
        this.registryConnectTimeout = b.registryConnectTimeout;
        this.weight = b.weight;
        this.ioThreads = b.ioThreads;
        this.workerThreads = b.workerThreads;
        this.blockingImplementations = b.blockingImplementations;
        this.maxRequestBytes = b.maxRequestBytes;
        this.plan = b.faultPlan;
        this.planHistory = new FaultPlanHistory(b.faultPlan);
        b.services.forEach(s -> serveUnchecked(s.iface, s.impl));
        b.stubs.forEach(s -> services.stub(s.iface, s.method, s.answer));
        this.registrations = registry == null ? null : new Registrations(registry, sessionTimeout,
                registryConnectTimeout, new Registration.Listener() {
                    @Override
                    public void reregistered(String path) {
                        fire("reregister", path);
                    }

                    @Override
                    public void reregisterFailed(String path, Exception cause, long retryInMs) {
                        fire("reregister-failed", path + " " + cause + "; retry in " + retryInMs + " ms");
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private <T> void serveUnchecked(Class<T> iface, Object impl) {
        services.serve(iface, (T) impl);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port, then registers (when a registry was given).
     *
     * @throws IllegalStateException when not NEW
     * @throws ProviderRegistryException when ZooKeeper cannot be reached (the port is released again)
     */
    public FakeProvider start() {
        synchronized (lock) {
            requireState("start", ProviderState.NEW);
            // epoll arms a timerfd per deadline (microsecond precision); NIO rounds select timeouts up to 1 ms.
            group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory(threadPrefix() + "-io", true),
                    Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
            ThreadPoolExecutor pool = new ThreadPoolExecutor(workerThreads, workerThreads, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), new DefaultThreadFactory(threadPrefix() + "-worker", true));
            pool.allowCoreThreadTimeOut(true);
            workers = pool;
            synchronized (planLock) {
                dispatcher = new CallDispatcher(services, stats, mapper, workers, blockingImplementations, this::name,
                        plan.newDecider(), executed);
            }
            try {
                bindAndRegister();
            } catch (RuntimeException e) {
                releaseAll();
                state = ProviderState.CLOSED;
                throw e;
            }
            state = ProviderState.RUNNING;
        }
        fire("start", address());
        return this;
    }

    private String threadPrefix() {
        return configuredName != null ? configuredName : "fake-provider";
    }

    private void bindAndRegister() {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 512)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(ServerConnection.FIRST_HANDLER, new HttpRequestDecoder())
                                .addLast("encoder", new HttpResponseEncoder())
                                .addLast("aggregator", new HttpObjectAggregator(maxRequestBytes))
                                .addLast("rpc", new ServerConnection(dispatcher, connections));
                    }
                });
        serverChannel = bind(bootstrap);
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        if (registrations != null) {
            try {
                registrations.register(WireContract.providerNodePath(basePath, host, port), this::nodeData, name());
            } catch (RuntimeException e) {
                serverChannel.close().syncUninterruptibly();
                throw e;
            }
        }
        LOG.info("{} listening on {}{}", name(), address(), registry == null ? "" : ", registered at " + registry);
    }

    private Channel bind(ServerBootstrap bootstrap) {
        return PortBinder.bind(bootstrap, host, port, name());
    }

    private byte[] nodeData() {
        return new ProviderNode(host, port, services.serviceNames(), weight).toJson(mapper);
    }

    public String host() {
        return host;
    }

    /** The bound port (the configured one before the first start; kept across restarts). */
    public int port() {
        return port;
    }

    /** "host:port". */
    public String address() {
        return host + ":" + port;
    }

    /** The configured name, or "provider-&lt;port&gt;". */
    public String name() {
        return configuredName != null ? configuredName : "provider-" + port;
    }

    /** Serves {@code impl} for {@code iface}; while running, the registry node is updated to list it. */
    public <T> FakeProvider serve(Class<T> iface, T impl) {
        services.serve(iface, impl);
        if (registrations != null) {
            registrations.update();
        }
        return this;
    }

    /** Replaces the fault plan; calls decided from now on use it (counters start again at zero). */
    public void faultPlan(FaultPlan plan) {
        Objects.requireNonNull(plan, "plan");
        synchronized (planLock) {
            this.plan = plan;
            if (dispatcher != null) {
                dispatcher.decider(plan.newDecider());
            }
            planHistory.installed(plan, System.nanoTime());
        }
        fire("faultPlan", plan.toString());
    }

    public FaultPlan faultPlan() {
        return plan;
    }

    /** Which plan was in force when, since the provider was built; read by the call-history checker. */
    public FaultPlanHistory faultPlanHistory() {
        return planHistory;
    }

    /** Live counters; they survive restarts. */
    public ProviderStats stats() {
        return stats;
    }

    /** The calls this provider executed (invoked its implementation for), in every life; read by the checker. */
    public ExecutedCalls executedCalls() {
        return executed;
    }

    public ProviderState state() {
        return state;
    }

    public void addListener(ProviderListener l) {
        listeners.add(l);
    }

    /**
     * Dies like a killed process: every connection reset (RST), the port closed, and the registry node left in
     * place until the session would time out (one negotiated session timeout), when the session is expired on the
     * server and the node disappears, as after a real crash.
     */
    public void crash() {
        synchronized (lock) {
            requireState("crash", ProviderState.RUNNING, ProviderState.FROZEN);
            closeServerChannel();
            connections.resetAll();
            if (registrations != null) {
                registrations.abandonCurrent();
            }
            connections.thaw();
            state = ProviderState.CRASHED;
        }
        fire("crash", address());
    }

    /** Stops reading and answering on every connection and accepting new ones; sockets stay open. */
    public void freeze() {
        synchronized (lock) {
            requireState("freeze", ProviderState.RUNNING);
            serverChannel.config().setAutoRead(false);
            connections.freeze();
            state = ProviderState.FROZEN;
        }
        fire("freeze", address());
    }

    /** Resumes a frozen provider: held answers go out, reading and accepting resume. */
    public void thaw() {
        synchronized (lock) {
            requireState("thaw", ProviderState.FROZEN);
            serverChannel.config().setAutoRead(true);
            connections.thaw();
            state = ProviderState.RUNNING;
        }
        fire("thaw", address());
    }

    /**
     * Stops gracefully: deregisters and stops accepting, keeps serving the open connections until no call is in
     * flight and none has arrived for the quiet period (consumers have seen the node go), then stops reading,
     * answers what was read and closes the connections (FIN). Bounded by the drain timeout.
     */
    public void stop() {
        synchronized (lock) {
            requireState("stop", ProviderState.RUNNING, ProviderState.FROZEN, ProviderState.CRASHED);
            stopLocked();
        }
        fire("stop", address());
    }

    private void stopLocked() {
        if (registrations != null) {
            registrations.closeCurrent();
        }
        closeServerChannel();
        if (state == ProviderState.FROZEN) {
            connections.thaw();
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        try {
            // Keep serving the open connections until consumers have seen the node go and stopped calling
            // (no call in flight, none for the quiet period), then stop reading and answer what was read.
            dispatcher.awaitQuiet(quietPeriod.toNanos(), deadline);
            connections.stopReading();
            if (!dispatcher.awaitQuiet(0L, deadline)) {
                LOG.warn("{}: {} calls still in flight after {} ms; closing anyway", name(), dispatcher.inFlight(),
                        drainTimeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.closeAll();
        state = ProviderState.STOPPED;
    }

    /** Comes back on the same port and registers again (on a new session); a running provider is stopped first. */
    public void restart() {
        synchronized (lock) {
            requireState("restart", ProviderState.RUNNING, ProviderState.FROZEN, ProviderState.CRASHED,
                    ProviderState.STOPPED);
            if (state == ProviderState.RUNNING || state == ProviderState.FROZEN) {
                stopLocked();
            }
            bindAndRegister();
            state = ProviderState.RUNNING;
        }
        fire("restart", address());
    }

    /**
     * Expires the provider's ZooKeeper session on the server, so its ephemeral node disappears now; the provider
     * notices and registers again on a new session shortly after (a "reregister" event).
     *
     * @throws IllegalStateException when the provider is not registered
     */
    public void expireSession() {
        synchronized (lock) {
            if (registrations == null || !registrations.registered()) {
                throw new IllegalStateException("provider " + name() + " has no ZooKeeper session to expire (state "
                        + state + (registry == null ? ", no registry configured)" : ")"));
            }
        }
        registrations.expireSession(name());
        fire("expireSession", address());
    }

    /** The open connections; for tests of the server internals. */
    ConnectionSet connections() {
        return connections;
    }

    /** Connections currently open. */
    public int openConnections() {
        return connections.size();
    }

    /** Calls received whose answer (or fault) is not yet on the wire. */
    public int callsInFlight() {
        CallDispatcher d = dispatcher;
        return d == null ? 0 : d.inFlight();
    }

    /** Releases everything: connections, port, ZooKeeper session (node deleted), threads. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (state == ProviderState.CLOSED) {
                return;
            }
            releaseAll();
            state = ProviderState.CLOSED;
        }
        fire("close", address());
    }

    private void releaseAll() {
        if (registrations != null) {
            registrations.close();
        }
        closeServerChannel();
        connections.closeAll();
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            group = null;
        }
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers = null;
        }
    }

    private void closeServerChannel() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
    }

    private void requireState(String action, ProviderState... allowed) {
        for (ProviderState s : allowed) {
            if (state == s) {
                return;
            }
        }
        throw new IllegalStateException("cannot " + action + " provider " + name() + " (" + address() + ") in state "
                + state);
    }

    private void fire(String action, String detail) {
        listeners.fire(new ProviderEvent(name(), action, detail));
    }

    @Override
    public String toString() {
        return "FakeProvider[" + name() + " " + address() + " " + state + "]";
    }

    /** Configures a {@link FakeProvider}; not thread-safe, used once. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String registry;
        private String basePath = WireContract.DEFAULT_BASE_PATH;
        private String name;
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private Duration drainTimeout = Duration.ofSeconds(5);
        private Duration quietPeriod = Duration.ofMillis(200);
        private Duration registryConnectTimeout = Duration.ofSeconds(15);
        private int weight = 1;
        private int ioThreads = 1;
        private int workerThreads = 8;
        private boolean blockingImplementations;
        private int maxRequestBytes = 16 * 1024 * 1024;
        private FaultPlan faultPlan = FaultPlan.none();
        private final List<ServiceSpec> services = new ArrayList<>();
        private final List<StubSpec> stubs = new ArrayList<>();

        private record ServiceSpec(Class<?> iface, Object impl) {
        }

        private record StubSpec(Class<?> iface, String method, StubAnswer answer) {
        }

        private Builder() {
        }

        /** Interface to listen on and to register; default 127.0.0.1. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to listen on; 0 (the default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
            }
            this.port = port;
            return this;
        }

        /** ZooKeeper connect string; without one the provider does not register. */
        public Builder registry(String zkConnectString) {
            this.registry = zkConnectString;
            return this;
        }

        /** Registry base path; default {@code /rpc}. */
        public Builder basePath(String basePath) {
            this.basePath = WireContract.normalizeBasePath(basePath);
            return this;
        }

        /** Name in logs, thread names and events; default "provider-&lt;port&gt;". */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** ZooKeeper session timeout asked for (the server bounds it); default 10 s. */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long {@code start()} waits for ZooKeeper before failing; default 15 s. */
        public Builder registryConnectTimeout(Duration timeout) {
            this.registryConnectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * How long {@code stop()} keeps serving open connections after the last call arrived, so consumers that
         * have not yet seen the node go lose nothing; default 200 ms (bounded by the drain timeout).
         */
        public Builder quietPeriod(Duration period) {
            this.quietPeriod = Objects.requireNonNull(period, "period");
            return this;
        }

        /** How long {@code stop()} waits in all for calls in flight and the quiet period; default 5 s. */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The weight written into the registry node; default 1. */
        public Builder weight(int weight) {
            this.weight = weight;
            return this;
        }

        /** I/O event loop threads; default 1. */
        public Builder ioThreads(int n) {
            this.ioThreads = Math.max(1, n);
            return this;
        }

        /** Threads that run implementations and stubs; default 8. */
        public Builder workerThreads(int n) {
            this.workerThreads = Math.max(1, n);
            return this;
        }

        /**
         * Whether implementations and stubs may block (sleep, wait, do I/O): then every call runs on the worker
         * pool and one blocked call never holds up another. Default false: calls run on the connection's event
         * loop, at the speed of the wire, and a method seen to take longer than 20 ms there moves to the worker
         * pool (with a warning).
         */
        public Builder blockingImplementations(boolean blocking) {
            this.blockingImplementations = blocking;
            return this;
        }

        /** Largest request body accepted; default 16 MiB. */
        public Builder maxRequestBytes(int n) {
            this.maxRequestBytes = n;
            return this;
        }

        public <T> Builder serve(Class<T> iface, T impl) {
            services.add(new ServiceSpec(iface, impl));
            return this;
        }

        /** Answers {@code iface#methodName} with {@code answer} (the interface is then served too). */
        public Builder stub(Class<?> iface, String methodName, StubAnswer answer) {
            stubs.add(new StubSpec(iface, methodName, answer));
            return this;
        }

        public Builder faultPlan(FaultPlan plan) {
            this.faultPlan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /** The provider, not started. */
        public FakeProvider build() {
            return new FakeProvider(this);
        }
    }
}
