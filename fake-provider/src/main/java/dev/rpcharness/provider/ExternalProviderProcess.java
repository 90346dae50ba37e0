package dev.rpcharness.provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ProviderMain} running in its own JVM process, killed with SIGKILL on {@link #kill()} or
 * {@link #close()}. Skeleton.
 */
public final class ExternalProviderProcess implements AutoCloseable {

    private ExternalProviderProcess() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public int port() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public String address() {
        return host() + ":" + port();
    }

    public void kill() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    @Override
    public void close() {
    }

    /** Configures an {@link ExternalProviderProcess}. */
    public static final class Builder {
        private String zk;
        private String basePath = "/rpc";
        private int port;
        private Duration sessionTimeout = Duration.ofSeconds(4);
        private final List<String> extraArgs = new ArrayList<>();

        public Builder registry(String zkConnectString) {
            this.zk = zkConnectString;
            return this;
        }

        public Builder basePath(String basePath) {
            this.basePath = basePath;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = timeout;
            return this;
        }

        public Builder arg(String arg) {
            extraArgs.add(arg);
            return this;
        }

        public ExternalProviderProcess start() {
            throw new UnsupportedOperationException("not yet implemented");
        }
    }
}
