package dev.rpcharness.provider;

import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.fault.FaultPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A provider that speaks PROTOCOL.md over Netty and injects faults on demand. Skeleton: life-cycle methods are
 * being written.
 */
public final class FakeProvider implements AutoCloseable {

    private final Builder config;

    private FakeProvider(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    public FakeProvider start() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public String host() {
        return config.host;
    }

    public int port() {
        return config.port;
    }

    public String address() {
        return host() + ":" + port();
    }

    public String name() {
        return config.name != null ? config.name : "provider-" + port();
    }

    public <T> FakeProvider serve(Class<T> iface, T impl) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void faultPlan(FaultPlan plan) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public FaultPlan faultPlan() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public ProviderStats stats() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public ProviderState state() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void addListener(ProviderListener l) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void crash() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void freeze() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void thaw() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void stop() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void restart() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public void expireSession() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public int openConnections() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void close() {
    }

    /** Configures a {@link FakeProvider}; not thread-safe, used once. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String registry;
        private String basePath = WireContract.DEFAULT_BASE_PATH;
        private String name;
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private int weight = 1;
        private FaultPlan faultPlan = FaultPlan.none();
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();
        private final List<Object[]> stubs = new ArrayList<>();

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder registry(String zkConnectString) {
            this.registry = zkConnectString;
            return this;
        }

        public Builder basePath(String basePath) {
            this.basePath = WireContract.normalizeBasePath(basePath);
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** ZooKeeper session timeout asked for (the server bounds it); default 10 s. */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The weight written into the registry node; default 1. */
        public Builder weight(int weight) {
            this.weight = weight;
            return this;
        }

        public <T> Builder serve(Class<T> iface, T impl) {
            services.put(iface, impl);
            return this;
        }

        public Builder stub(Class<?> iface, String methodName, StubAnswer answer) {
            stubs.add(new Object[] {iface, methodName, answer});
            return this;
        }

        public Builder faultPlan(FaultPlan plan) {
            this.faultPlan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        public FakeProvider build() {
            return new FakeProvider(this);
        }
    }
}
