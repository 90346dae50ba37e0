package dev.rpcharness.provider.wiremock;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.registration.ProviderEndpoint;
import dev.rpcharness.provider.registration.Registration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WireMock server that is an RPC provider: it listens on loopback, registers in ZooKeeper exactly like any
 * provider (through the same {@link Registration}: node data as docs/wire-contract.md gives it, an ephemeral node
 * created again after a session loss), and answers
 * whatever it is stubbed to answer with {@link RpcWireMock}'s DSL, so WireMock's delays and fault catalogue apply
 * to RPC calls. Use it to prove a client against a provider the project did not write.
 *
 * <p>Lifecycle: {@link #builder()} ... {@link Builder#build()} gives a stopped provider; {@link #start()} binds and
 * registers; {@link #close()} deregisters, stops the server and closes the ZooKeeper session (idempotent).
 * Stubbing and verifying are thread-safe (WireMock's own guarantees).
 */
public final class WireMockProvider implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WireMockProvider.class);

    private final ProviderEndpoint endpoint;
    private final List<String> services;
    private final WireMockServer server;
    private Registration registration;
    private boolean started;
    private volatile int boundPort;
    private boolean closed;

    private WireMockProvider(Builder b) {
        this.endpoint = b.endpoint.build();
        this.services = List.copyOf(b.services);
        WireMockConfiguration config = options()
                .bindAddress(endpoint.host())
                .port(endpoint.port())
                .notifier(new Slf4jNotifier(false))
                .jettyAcceptors(1)
                .containerThreads(Math.max(8, b.containerThreads));
        b.customizer.accept(config);
        this.server = new WireMockServer(config);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts listening, then registers in ZooKeeper when a registry was given. Returns this. */
    public synchronized WireMockProvider start() {
        if (closed) {
            throw new IllegalStateException("WireMock provider " + name() + " is closed");
        }
        if (started) {
            return this;
        }
        server.start();
        started = true;
        boundPort = server.port();
        if (endpoint.registers()) {
            register();
        }
        log.info("WireMock provider {} listening on {} (services {})", name(), address(), services);
        return this;
    }

    private void register() {
        byte[] data = new ProviderNode(endpoint.host(), server.port(), services, 1).toJson(RpcJson.newMapper());
        registration = Registration.builder(endpoint, server.port(), () -> data).name(name()).build();
        try {
            registration.start();
        } catch (RuntimeException e) {
            registration = null;
            server.stop();
            started = false;
            throw e;
        }
        log.info("WireMock provider {} registered {}", name(), registration.path());
    }

    /** Adds a stub, typically {@code stubFor(rpcMethod(Iface.class, "m").willReturn(rpcResult(v)))}. */
    public StubMapping stubFor(MappingBuilder mapping) {
        return server.stubFor(mapping);
    }

    /** Verifies that exactly {@code count} matching calls were received. */
    public void verify(int count, RequestPatternBuilder pattern) {
        server.verify(count, pattern);
    }

    /** Verifies that at least one matching call was received. */
    public void verify(RequestPatternBuilder pattern) {
        server.verify(pattern);
    }

    /** The received requests that match {@code pattern}. */
    public List<LoggedRequest> findAll(RequestPatternBuilder pattern) {
        return server.findAll(pattern);
    }

    /** Removes every stub and forgets every received request. */
    public void resetAll() {
        server.resetAll();
    }

    /** The underlying WireMock server, for anything the helpers do not cover. */
    public WireMockServer server() {
        return server;
    }

    public String host() {
        return endpoint.host();
    }

    /** Where it listens and registers, as configured (port 0 until bound: see {@link #port()}). */
    public ProviderEndpoint endpoint() {
        return endpoint;
    }

    /** The bound port (after {@link #start()}; 0 before). */
    public int port() {
        return boundPort;
    }

    /** "host:port". */
    public String address() {
        return endpoint.host() + ":" + port();
    }

    public String name() {
        return endpoint.nameOr("wiremock-" + (boundPort == 0 ? "new" : Integer.toString(boundPort)));
    }

    /** Fully qualified names of the interfaces listed in the registry node. */
    public List<String> services() {
        return services;
    }

    /** Deregisters, stops the server and closes the ZooKeeper session. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            // Deletes the node and closes the session; against an unreachable ZooKeeper the session expires there.
            registration.close();
        }
        if (started) {
            server.stop();
        }
        log.info("WireMock provider {} closed", name());
    }

    @Override
    public String toString() {
        return "WireMockProvider[" + name() + (started ? " " + address() : "") + "]";
    }

    /** Builds a {@link WireMockProvider}. Not thread-safe. */
    public static final class Builder {

        private ProviderEndpoint.Builder endpoint = ProviderEndpoint.builder();
        private final List<String> services = new ArrayList<>();
        private int containerThreads = 16;
        private Consumer<WireMockConfiguration> customizer = c -> { };

        private Builder() {
        }

        /** Where it listens and registers, all at once; the single setters below change one value of it. */
        public Builder endpoint(ProviderEndpoint value) {
            this.endpoint = value.toBuilder();
            return this;
        }

        /** Interface to bind, 127.0.0.1 by default. */
        public Builder host(String value) {
            endpoint.host(value);
            return this;
        }

        /** Port, 0 (a free one) by default. */
        public Builder port(int value) {
            endpoint.port(value);
            return this;
        }

        /** ZooKeeper connect string; without one the provider does not register. */
        public Builder registry(String zkConnectString) {
            endpoint.registry(zkConnectString);
            return this;
        }

        /** Registry base path, {@code /rpc} by default. */
        public Builder basePath(String value) {
            endpoint.basePath(value);
            return this;
        }

        /** Lists {@code serviceInterface} in the registry node, so consumers of it find this provider. */
        public Builder service(Class<?> serviceInterface) {
            services.add(serviceInterface.getName());
            return this;
        }

        /** Name in logs and timelines; {@code wiremock-<port>} by default. */
        public Builder name(String value) {
            endpoint.name(value);
            return this;
        }

        /** ZooKeeper session timeout asked for (the server bounds it); 10 s by default. */
        public Builder sessionTimeout(Duration value) {
            endpoint.sessionTimeout(value);
            return this;
        }

        /** Jetty request threads: calls answered at the same time (WireMock delays hold a thread each). */
        public Builder containerThreads(int value) {
            this.containerThreads = value;
            return this;
        }

        /** Adjusts WireMock's configuration (extensions, journal, ...) before the server is built. */
        public Builder configure(Consumer<WireMockConfiguration> value) {
            this.customizer = Objects.requireNonNull(value, "configure");
            return this;
        }

        public WireMockProvider build() {
            return new WireMockProvider(this);
        }
    }
}
