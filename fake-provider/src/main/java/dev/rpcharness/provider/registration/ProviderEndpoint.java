package dev.rpcharness.provider.registration;

import dev.rpcharness.protocol.WireContract;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a provider listens and how it registers: host, port, ZooKeeper connect string, registry base path, name,
 * session timeout and how long to wait for ZooKeeper. The one description of a provider's endpoint that every
 * provider builder of the harness maps onto ({@code FakeProvider.Builder}, {@code ExternalProviderProcess.Builder},
 * {@code WireMockProvider.Builder}) and that a {@link Registration} registers; its node is
 * {@link #nodePath(int)} as docs/wire-contract.md gives it.
 *
 * <pre>{@code
 * ProviderEndpoint endpoint = ProviderEndpoint.builder().registry(zk).basePath("/orders").name("orders-1").build();
 * FakeProvider.builder().endpoint(endpoint) ...
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #toBuilder()} gives a builder to derive another. Every value is checked
 * where it is given, and a bad one is refused with an {@link IllegalArgumentException} naming the setting and the
 * value.
 */
public final class ProviderEndpoint {

    /** The host a provider listens on and registers when none is given. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private final String host;
    private final int port;
    private final String registry;
    private final String basePath;
    private final String name;
    private final Duration sessionTimeout;
    private final Duration registryConnectTimeout;
    private final String advertiseHost;
    private final int advertisePort;

    private ProviderEndpoint(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.registry = b.registry;
        this.basePath = b.basePath;
        this.name = b.name;
        this.sessionTimeout = b.sessionTimeout;
        this.registryConnectTimeout = b.registryConnectTimeout;
        this.advertiseHost = b.advertiseHost;
        this.advertisePort = b.advertisePort;
    }

    /** A builder with the defaults: 127.0.0.1, a free port, no registry, base path /rpc, no name, 10 s, 15 s. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this endpoint's values. */
    public Builder toBuilder() {
        Builder b = new Builder().host(host).port(port).registry(registry).basePath(basePath).name(name)
                .sessionTimeout(sessionTimeout).registryConnectTimeout(registryConnectTimeout);
        if (advertiseHost != null) {
            b.advertise(advertiseHost, advertisePort);
        }
        return b;
    }

    /** The interface to listen on and the host written into the registry node. */
    public String host() {
        return host;
    }

    /** The port to listen on; 0 means a free one, chosen at bind time. */
    public int port() {
        return port;
    }

    /** The ZooKeeper connect string, or null when the provider does not register. */
    public String registry() {
        return registry;
    }

    /** Whether a registry was given. */
    public boolean registers() {
        return registry != null;
    }

    /** The registry base path, normalised ({@code /rpc} by default). */
    public String basePath() {
        return basePath;
    }

    /** The configured name, or null when the provider names itself (typically after its port). */
    public String name() {
        return name;
    }

    /** The configured name, or {@code fallback} when none was given. */
    public String nameOr(String fallback) {
        return name != null ? name : fallback;
    }

    /** The ZooKeeper session timeout asked for (the server bounds it). */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** How long a provider's start waits for ZooKeeper before failing. */
    public Duration registryConnectTimeout() {
        return registryConnectTimeout;
    }

    /** Whether the registry is given another address than the one the provider listens on. */
    public boolean advertises() {
        return advertiseHost != null;
    }

    /** The host written into the registry: the advertised one, else {@link #host()}. */
    public String advertisedHost() {
        return advertiseHost != null ? advertiseHost : host;
    }

    /** The port written into the registry: the advertised one, else {@code boundPort}. */
    public int advertisedPort(int boundPort) {
        return advertiseHost != null ? advertisePort : Builder.checkPort(boundPort);
    }

    /** {@code host:port} consumers are told to connect to, for a provider bound to {@code boundPort}. */
    public String advertisedAddress(int boundPort) {
        return advertisedHost() + ":" + advertisedPort(boundPort);
    }

    /**
     * The provider's ephemeral node once it is bound to {@code boundPort}, e.g. {@code /rpc/providers/h:p}; named
     * after the advertised address when there is one.
     */
    public String nodePath(int boundPort) {
        return WireContract.providerNodePath(basePath, advertisedHost(), advertisedPort(boundPort));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProviderEndpoint e && port == e.port && host.equals(e.host)
                && Objects.equals(registry, e.registry) && basePath.equals(e.basePath) && Objects.equals(name, e.name)
                && sessionTimeout.equals(e.sessionTimeout) && registryConnectTimeout.equals(e.registryConnectTimeout)
                && Objects.equals(advertiseHost, e.advertiseHost) && advertisePort == e.advertisePort;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, registry, basePath, name, sessionTimeout, registryConnectTimeout,
                advertiseHost, advertisePort);
    }

    @Override
    public String toString() {
        return "ProviderEndpoint[" + (name != null ? name + " " : "") + host + ":" + port
                + (advertiseHost != null ? " advertised as " + advertiseHost + ":" + advertisePort : "")
                + (registry != null ? " registry " + registry + basePath : " unregistered")
                + " session " + sessionTimeout.toMillis() + " ms]";
    }

    /** Configures a {@link ProviderEndpoint}; not thread-safe. Each setter checks its value at once. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private String registry;
        private String basePath = WireContract.DEFAULT_BASE_PATH;
        private String name;
        private Duration sessionTimeout = RegistryClients.DEFAULT_SESSION_TIMEOUT;
        private Duration registryConnectTimeout = RegistryClients.DEFAULT_CONNECT_TIMEOUT;
        private String advertiseHost;
        private int advertisePort;

        private Builder() {
        }

        /**
         * The address written into the registry instead of the one the provider listens on, e.g. a link-fault
         * proxy's in front of it (docs/link-faults.md); the port must be a real one, 1..65535. Default: none, the
         * provider advertises where it listens.
         */
        public Builder advertise(String advertisedHost, int advertisedPort) {
            if (advertisedHost == null || advertisedHost.isBlank()) {
                throw new IllegalArgumentException("advertise: host must not be blank: '" + advertisedHost + "'");
            }
            if (advertisedPort < 1 || advertisedPort > 65_535) {
                throw new IllegalArgumentException("advertise: port " + advertisedPort + " is out of range 1..65535");
            }
            this.advertiseHost = advertisedHost;
            this.advertisePort = advertisedPort;
            return this;
        }

        /** Interface to listen on and to register; default 127.0.0.1. */
        public Builder host(String value) {
            if (Objects.requireNonNull(value, "host").isBlank()) {
                throw new IllegalArgumentException("host must not be blank: '" + value + "'");
            }
            this.host = value;
            return this;
        }

        /** Port to listen on, 0..65535; 0 (the default) picks a free one. */
        public Builder port(int value) {
            this.port = checkPort(value);
            return this;
        }

        /** ZooKeeper connect string; null (the default) means the provider does not register. */
        public Builder registry(String zkConnectString) {
            if (zkConnectString != null && zkConnectString.isBlank()) {
                throw new IllegalArgumentException("registry (ZooKeeper connect string) must not be blank: '"
                        + zkConnectString + "'");
            }
            this.registry = zkConnectString;
            return this;
        }

        /** Registry base path, starting with '/' (checked by {@link WireContract#normalizeBasePath}); default /rpc. */
        public Builder basePath(String value) {
            this.basePath = WireContract.normalizeBasePath(value);
            return this;
        }

        /** Name in logs, thread names and events; null (the default) lets the provider name itself. */
        public Builder name(String value) {
            if (value != null && value.isBlank()) {
                throw new IllegalArgumentException("name must not be blank: '" + value + "'");
            }
            this.name = value;
            return this;
        }

        /** ZooKeeper session timeout asked for (the server bounds it), positive; default 10 s. */
        public Builder sessionTimeout(Duration value) {
            this.sessionTimeout = checkPositive("sessionTimeout", value);
            return this;
        }

        /** How long a start waits for ZooKeeper before failing, positive; default 15 s. */
        public Builder registryConnectTimeout(Duration value) {
            this.registryConnectTimeout = checkPositive("registryConnectTimeout", value);
            return this;
        }

        public ProviderEndpoint build() {
            return new ProviderEndpoint(this);
        }

        static int checkPort(int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException("port " + value + " is out of range 0..65535");
            }
            return value;
        }

        private static Duration checkPositive(String setting, Duration value) {
            Objects.requireNonNull(value, setting);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(setting + " must be positive: " + value);
            }
            return value;
        }
    }
}
