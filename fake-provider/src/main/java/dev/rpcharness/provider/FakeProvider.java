package dev.rpcharness.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultPlanHistory;
import dev.rpcharness.provider.internal.server.CallCounters;
import dev.rpcharness.provider.internal.server.ExecutionLog;
import dev.rpcharness.provider.internal.server.ProviderServer;
import dev.rpcharness.provider.internal.server.ServiceTable;
import dev.rpcharness.provider.registration.ProviderEndpoint;
import dev.rpcharness.provider.registration.ProviderRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
 * the step is done. Listeners run on the calling thread after the step. The provider owns I/O threads and a
 * worker pool; both live from {@code start} to {@code close}, which interrupts implementations still running and
 * returns once the threads have ended. Implementations run on the worker pool by default, so one that blocks holds
 * up neither other calls nor a life-cycle step ({@code stop} waits for calls in flight at most the drain timeout);
 * running them on the I/O thread is an opt-in ({@link ImplementationThreads}).
 */
public final class FakeProvider implements AutoCloseable {

    private final String host;
    private final int weight;
    private final ImplementationThreads implementationThreads;
    private final ObjectMapper mapper = RpcJson.newMapper();
    private final ServiceTable services = new ServiceTable();
    private final CallCounters counters = new CallCounters();
    private final ProviderStats stats = new ProviderStats(counters);
    /** Calls executed in every life of this provider (131,072 kept), for the call-history checker. */
    private final ExecutedCalls executed = new ExecutedCalls(1 << 17);
    private final ProviderLifecycle lifecycle;
    private final ProviderEndpoint endpoint;

    private FakeProvider(Builder b) {
        ProviderEndpoint endpoint = b.endpoint.build();
        this.endpoint = endpoint;
        this.host = endpoint.host();
        this.weight = b.weight;
        this.implementationThreads = b.implementationThreads;
        b.services.forEach(s -> serveUnchecked(s.iface, s.impl));
        b.stubs.forEach(s -> services.stub(s.iface, s.method, s.answer::answer));
        ProviderServer.Settings settings = new ProviderServer.Settings(
                endpoint.name() != null ? endpoint.name() : "fake-provider", b.ioThreads, b.workerThreads,
                implementationThreads == ImplementationThreads.IO_THREAD, b.maxRequestBytes);
        this.lifecycle = new ProviderLifecycle(new ProviderLifecycle.Config(endpoint, b.drainTimeout, b.quietPeriod,
                b.faultPlan),
                decider -> new ProviderServer(settings, services, counters, mapper, decider, executionLog(),
                        this::name),
                this::nodeData);
    }

    /** The server's calls, run or dropped unrun, into {@link #executedCalls()}. */
    private ExecutionLog executionLog() {
        return new ExecutionLog() {
            @Override
            public void executed(String clientId, int callerPort, String requestId) {
                executed.record(clientId, callerPort, requestId);
            }

            @Override
            public void expired(String clientId, int callerPort, String requestId) {
                executed.recordExpired(clientId, callerPort, requestId);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private <T> void serveUnchecked(Class<T> iface, Object impl) {
        services.serve(iface, (T) impl);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the threads, binds the port, then registers (when a registry was given).
     *
     * @throws IllegalStateException when not NEW, or when the port cannot be bound
     * @throws ProviderRegistryException when ZooKeeper cannot be reached (the port is released again)
     */
    public FakeProvider start() {
        lifecycle.start();
        return this;
    }

    private byte[] nodeData() {
        int bound = lifecycle.port();
        return new ProviderNode(endpoint.advertisedHost(), endpoint.advertisedPort(bound), services.serviceNames(),
                weight).toJson(mapper);
    }

    public String host() {
        return host;
    }

    /** The bound port (the configured one before the first start; kept across restarts). */
    public int port() {
        return lifecycle.port();
    }

    /** "host:port". */
    public String address() {
        return lifecycle.address();
    }

    /**
     * "host:port" written into the registry, which consumers connect to: {@link #address()} unless the endpoint
     * advertises another address (a link in front of the provider).
     */
    public String advertisedAddress() {
        return endpoint.advertisedAddress(lifecycle.port());
    }

    /** The configured name, or "provider-&lt;port&gt;". */
    public String name() {
        return lifecycle.name();
    }

    /** Serves {@code impl} for {@code iface}; while running, the registry node is updated to list it. */
    public <T> FakeProvider serve(Class<T> iface, T impl) {
        services.serve(iface, impl);
        lifecycle.servicesChanged();
        return this;
    }

    /** Replaces the fault plan; calls decided from now on use it (counters start again at zero). */
    public void faultPlan(FaultPlan plan) {
        lifecycle.faultPlan(plan);
    }

    public FaultPlan faultPlan() {
        return lifecycle.faultPlan();
    }

    /** Which plan was in force when, since the provider was built; read by the call-history checker. */
    public FaultPlanHistory faultPlanHistory() {
        return lifecycle.planHistory();
    }

    /** Live counters; they survive restarts. */
    public ProviderStats stats() {
        return stats;
    }

    /** The calls this provider executed (invoked its implementation for), in every life; read by the checker. */
    public ExecutedCalls executedCalls() {
        return executed;
    }

    /** Where implementations and stubs run (as built). */
    public ImplementationThreads implementationThreads() {
        return implementationThreads;
    }

    public ProviderState state() {
        return lifecycle.state();
    }

    public void addListener(ProviderListener l) {
        lifecycle.addListener(l);
    }

    /**
     * Dies like a killed process: every connection reset (RST), the port closed, and the registry node left in
     * place until the session would time out (one negotiated session timeout), when the session is expired on the
     * server and the node disappears, as after a real crash.
     */
    public void crash() {
        lifecycle.crash();
    }

    /** Stops reading and answering on every connection and accepting new ones; sockets stay open. */
    public void freeze() {
        lifecycle.freeze();
    }

    /** Resumes a frozen provider: held answers go out, reading and accepting resume. */
    public void thaw() {
        lifecycle.thaw();
    }

    /**
     * Stops gracefully: deregisters and stops accepting, keeps serving the open connections until no call is in
     * flight and none has arrived for the quiet period (consumers have seen the node go), then stops reading,
     * answers what was read and closes the connections (FIN). Bounded by the drain timeout.
     */
    public void stop() {
        lifecycle.stop();
    }

    /** Comes back on the same port and registers again (on a new session); a running provider is stopped first. */
    public void restart() {
        lifecycle.restart();
    }

    /**
     * Expires the provider's ZooKeeper session on the server, so its ephemeral node disappears now; the provider
     * notices and registers again on a new session shortly after (a "reregister" event).
     *
     * @throws IllegalStateException when the provider is not registered
     */
    public void expireSession() {
        lifecycle.expireSession();
    }

    /** Connections currently open. */
    public int openConnections() {
        ProviderServer s = lifecycle.server();
        return s == null ? 0 : s.openConnections();
    }

    /** Calls received whose answer (or fault) is not yet on the wire. */
    public int callsInFlight() {
        ProviderServer s = lifecycle.server();
        return s == null ? 0 : s.callsInFlight();
    }

    /**
     * Releases everything: connections, port, ZooKeeper session (node deleted), threads (implementations still
     * running are interrupted). Idempotent.
     */
    @Override
    public void close() {
        lifecycle.close();
    }

    @Override
    public String toString() {
        return "FakeProvider[" + name() + " " + address() + " " + state() + "]";
    }

    /** Configures a {@link FakeProvider}; not thread-safe, used once. */
    public static final class Builder {
        private ProviderEndpoint.Builder endpoint = ProviderEndpoint.builder();
        private Duration drainTimeout = Duration.ofSeconds(5);
        private Duration quietPeriod = Duration.ofMillis(200);
        private int weight = 1;
        private int ioThreads = 1;
        private int workerThreads = 8;
        private ImplementationThreads implementationThreads = ImplementationThreads.WORKER_POOL;
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

        /** Where the provider listens and registers, all at once; the single setters below change one value. */
        public Builder endpoint(ProviderEndpoint value) {
            this.endpoint = value.toBuilder();
            return this;
        }

        /** Interface to listen on and to register; default 127.0.0.1. */
        public Builder host(String host) {
            endpoint.host(host);
            return this;
        }

        /** Port to listen on; 0 (the default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            endpoint.port(port);
            return this;
        }

        /** The address to register instead of where it listens ({@link ProviderEndpoint.Builder#advertise}). */
        public Builder advertise(String host, int port) {
            endpoint.advertise(host, port);
            return this;
        }

        /** ZooKeeper connect string; without one the provider does not register. */
        public Builder registry(String zkConnectString) {
            endpoint.registry(zkConnectString);
            return this;
        }

        /** Registry base path; default {@code /rpc}. */
        public Builder basePath(String basePath) {
            endpoint.basePath(basePath);
            return this;
        }

        /** Name in logs, thread names and events; default "provider-&lt;port&gt;". */
        public Builder name(String name) {
            endpoint.name(name);
            return this;
        }

        /** ZooKeeper session timeout asked for (the server bounds it); default 10 s. */
        public Builder sessionTimeout(Duration timeout) {
            endpoint.sessionTimeout(timeout);
            return this;
        }

        /** How long {@code start()} waits for ZooKeeper before failing; default 15 s. */
        public Builder registryConnectTimeout(Duration timeout) {
            endpoint.registryConnectTimeout(timeout);
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
         * Where implementations and stubs run; default {@link ImplementationThreads#WORKER_POOL}, where they may
         * block. {@link ImplementationThreads#IO_THREAD} is the opt-in for speed, for implementations that never
         * block (see there).
         */
        public Builder implementationThreads(ImplementationThreads threads) {
            this.implementationThreads = Objects.requireNonNull(threads, "threads");
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
