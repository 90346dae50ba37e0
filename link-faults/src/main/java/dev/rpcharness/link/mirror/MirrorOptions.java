package dev.rpcharness.link.mirror;

import dev.rpcharness.link.ToxicScope;
import dev.rpcharness.protocol.WireContract;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link ProviderMirror} watches, where it writes its mirror and where its links and API listen. Immutable;
 * built by {@link #builder()}, changed copies by {@link #toBuilder()}. Every bad value is a
 * {@link MirrorOptionException} naming the option and the value; the builder checks each value as it is set and
 * the combinations in {@link Builder#build()}. Each option's command-line flag is its name in kebab case
 * ({@code mirrorBasePath} is {@code --mirror-base-path}).
 */
public final class MirrorOptions {

    /** The mirror's default base path: its nodes go under {@code /rpc-mirror/providers}. */
    public static final String DEFAULT_MIRROR_BASE_PATH = "/rpc-mirror";
    /** Toxiproxy's own API port, the stand-alone mirror's default. */
    public static final int TOXIPROXY_API_PORT = 8474;

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");

    private final String zookeeper;
    private final String basePath;
    private final String mirrorBasePath;
    private final String linkHost;
    private final String advertisedHost;
    private final String apiHost;
    private final int apiPort;
    private final String apiToken;
    private final Duration sessionTimeout;
    private final Duration connectTimeout;
    private final int ioThreads;
    private final long seed;
    private final ToxicScope scope;

    private MirrorOptions(Builder b) {
        this.zookeeper = b.zookeeper;
        this.basePath = b.basePath;
        this.mirrorBasePath = b.mirrorBasePath;
        this.linkHost = b.linkHost;
        this.advertisedHost = b.advertisedHost != null ? b.advertisedHost : b.linkHost;
        this.apiHost = b.apiHost;
        this.apiPort = b.apiPort;
        this.apiToken = b.apiToken;
        this.sessionTimeout = b.sessionTimeout;
        this.connectTimeout = b.connectTimeout;
        this.ioThreads = b.ioThreads;
        this.seed = b.seed;
        this.scope = b.scope;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.zookeeper = zookeeper;
        b.basePath = basePath;
        b.mirrorBasePath = mirrorBasePath;
        b.linkHost = linkHost;
        b.advertisedHost = advertisedHost;
        b.apiHost = apiHost;
        b.apiPort = apiPort;
        b.apiToken = apiToken;
        b.sessionTimeout = sessionTimeout;
        b.connectTimeout = connectTimeout;
        b.ioThreads = ioThreads;
        b.seed = seed;
        b.scope = scope;
        return b;
    }

    /** The ZooKeeper connect string of the real registry (the mirror is written to the same ensemble). */
    public String zookeeper() {
        return zookeeper;
    }

    /** The real providers' base path, {@code /rpc} by default; only read. */
    public String basePath() {
        return basePath;
    }

    /** The mirror's base path, {@link #DEFAULT_MIRROR_BASE_PATH} by default. */
    public String mirrorBasePath() {
        return mirrorBasePath;
    }

    /** The address the links listen on (a free port each), 127.0.0.1 by default. */
    public String linkHost() {
        return linkHost;
    }

    /** The host written into the mirror nodes: the link host unless set (needed when that is a wildcard). */
    public String advertisedHost() {
        return advertisedHost;
    }

    /** The address of the Toxiproxy-compatible API, 127.0.0.1 by default. */
    public String apiHost() {
        return apiHost;
    }

    /** The API's port, {@link #TOXIPROXY_API_PORT} by default; 0 picks a free one. */
    public int apiPort() {
        return apiPort;
    }

    /** The bearer token the API demands, or null (allowed on loopback only). */
    public String apiToken() {
        return apiToken;
    }

    /** The ZooKeeper session timeout of the mirror's writer; its mirror nodes vanish that long after it dies. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** How long {@code start()} waits for ZooKeeper. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The event loops the links share. */
    public int ioThreads() {
        return ioThreads;
    }

    /** The seed of the links' toxicity draws (each link mixes in its name). */
    public long seed() {
        return seed;
    }

    /** Whether toxic changes reach the links' open connections. */
    public ToxicScope scope() {
        return scope;
    }

    @Override
    public String toString() {
        return "MirrorOptions[" + zookeeper + WireContract.providersPath(basePath) + " -> "
                + WireContract.providersPath(mirrorBasePath) + ", links on " + linkHost + " as " + advertisedHost
                + ", API " + apiHost + ":" + apiPort + (apiToken != null ? " with token" : "") + "]";
    }

    /** Collects the options; each setter rejects a bad value at once. */
    public static final class Builder {
        private String zookeeper;
        private String basePath = WireContract.DEFAULT_BASE_PATH;
        private String mirrorBasePath = DEFAULT_MIRROR_BASE_PATH;
        private String linkHost = "127.0.0.1";
        private String advertisedHost;
        private String apiHost = "127.0.0.1";
        private int apiPort = TOXIPROXY_API_PORT;
        private String apiToken;
        private Duration sessionTimeout = Duration.ofSeconds(15);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int ioThreads = 2;
        private long seed;
        private ToxicScope scope = ToxicScope.OPEN_AND_NEW;

        private Builder() {
        }

        /** Required: the ZooKeeper connect string, for example {@code zk1:2181,zk2:2181}. */
        public Builder zookeeper(String value) {
            this.zookeeper = text("zookeeper", value);
            return this;
        }

        public Builder basePath(String value) {
            this.basePath = path("basePath", value);
            return this;
        }

        public Builder mirrorBasePath(String value) {
            this.mirrorBasePath = path("mirrorBasePath", value);
            return this;
        }

        public Builder linkHost(String value) {
            this.linkHost = text("linkHost", value);
            return this;
        }

        public Builder advertisedHost(String value) {
            String host = text("advertisedHost", value);
            if (WILDCARDS.contains(host)) {
                throw new MirrorOptionException("advertisedHost", "must be an address consumers can reach, was '"
                        + host + "' (a wildcard)");
            }
            this.advertisedHost = host;
            return this;
        }

        public Builder apiHost(String value) {
            this.apiHost = text("apiHost", value);
            return this;
        }

        public Builder apiPort(int value) {
            if (value < 0 || value > 65_535) {
                throw new MirrorOptionException("apiPort", "must be within 0..65535, was " + value);
            }
            this.apiPort = value;
            return this;
        }

        /** The API's bearer token; null for none. */
        public Builder apiToken(String value) {
            if (value != null && value.isBlank()) {
                throw new MirrorOptionException("apiToken", "must not be blank");
            }
            this.apiToken = value;
            return this;
        }

        public Builder sessionTimeout(Duration value) {
            this.sessionTimeout = duration("sessionTimeout", value, Duration.ofSeconds(1), Duration.ofMinutes(10));
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = duration("connectTimeout", value, Duration.ofMillis(100), Duration.ofMinutes(10));
            return this;
        }

        public Builder ioThreads(int value) {
            if (value < 1 || value > 64) {
                throw new MirrorOptionException("ioThreads", "must be within 1..64, was " + value);
            }
            this.ioThreads = value;
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder scope(ToxicScope value) {
            if (value == null) {
                throw new MirrorOptionException("scope", "must be one of " + java.util.Arrays.toString(
                        ToxicScope.values()) + ", was null");
            }
            this.scope = value;
            return this;
        }

        /** Checks the combinations: a ZooKeeper given, two distinct registries, a token off loopback. */
        public MirrorOptions build() {
            if (zookeeper == null) {
                throw new MirrorOptionException("zookeeper", "is required (the ZooKeeper connect string)");
            }
            String source = WireContract.providersPath(basePath);
            String mirror = WireContract.providersPath(mirrorBasePath);
            if (source.equals(mirror) || mirror.startsWith(source + "/") || source.startsWith(mirror + "/")) {
                throw new MirrorOptionException("mirrorBasePath", "must not be or lie inside the providers' "
                        + "registry or hold it: " + mirror + " against " + source + ", was '" + mirrorBasePath + "'");
            }
            if (advertisedHost == null && WILDCARDS.contains(linkHost)) {
                throw new MirrorOptionException("advertisedHost", "is required when linkHost is the wildcard '"
                        + linkHost + "': the mirror nodes need an address consumers can reach");
            }
            if (apiToken == null && !isLoopback(apiHost)) {
                throw new MirrorOptionException("apiToken", "is required when apiHost is not loopback, was apiHost '"
                        + apiHost + "'");
            }
            return new MirrorOptions(this);
        }

        private static boolean isLoopback(String host) {
            return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
        }

        private static String text(String option, String value) {
            if (value == null || value.isBlank()) {
                throw new MirrorOptionException(option, "must not be empty, was '" + value + "'");
            }
            return value.trim();
        }

        private static String path(String option, String value) {
            try {
                return WireContract.normalizeBasePath(value);
            } catch (IllegalArgumentException e) {
                throw new MirrorOptionException(option, "must start with '/', was '" + value + "'");
            }
        }

        private static Duration duration(String option, Duration value, Duration least, Duration most) {
            Objects.requireNonNull(value, option);
            if (value.compareTo(least) < 0 || value.compareTo(most) > 0) {
                throw new MirrorOptionException(option, "must be within " + least.toMillis() + ".." + most.toMillis()
                        + " ms, was " + value.toMillis() + " ms");
            }
            return value;
        }
    }
}
