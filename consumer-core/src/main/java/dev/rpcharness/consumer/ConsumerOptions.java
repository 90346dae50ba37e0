package dev.rpcharness.consumer;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Immutable settings of a {@link ConsumerClient}. Build with {@link #builder()}; every setter checks its value
 * and names the option in its error.
 */
public final class ConsumerOptions {

    private final Duration callTimeout;
    private final Duration providerWaitTimeout;
    private final Duration connectTimeout;
    private final int connectionsPerProvider;
    private final int maxResponseBytes;
    private final int ioThreads;
    private final Executor callbackExecutor;
    private final Duration reconnectBackoffMin;
    private final Duration reconnectBackoffMax;
    private final int maxCallsInFlight;
    private final int outlierConsecutiveFailures;
    private final Duration outlierBaseEjectionTime;
    private final Duration outlierMaxEjectionTime;
    private final int maxEjectionPercent;

    private ConsumerOptions(Builder b) {
        this.maxCallsInFlight = b.maxCallsInFlight;
        this.outlierConsecutiveFailures = b.outlierConsecutiveFailures;
        this.outlierBaseEjectionTime = b.outlierBaseEjectionTime;
        this.outlierMaxEjectionTime = b.outlierMaxEjectionTime;
        this.maxEjectionPercent = b.maxEjectionPercent;
        this.callTimeout = b.callTimeout;
        this.providerWaitTimeout = b.providerWaitTimeout;
        this.connectTimeout = b.connectTimeout;
        this.connectionsPerProvider = b.connectionsPerProvider;
        this.maxResponseBytes = b.maxResponseBytes;
        this.ioThreads = b.ioThreads;
        this.callbackExecutor = b.callbackExecutor;
        this.reconnectBackoffMin = b.reconnectBackoffMin;
        this.reconnectBackoffMax = b.reconnectBackoffMax;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: 3 s call timeout, 3 s provider wait, 1 connection per provider. */
    public static ConsumerOptions defaults() {
        return builder().build();
    }

    /** A builder that starts from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.callTimeout = callTimeout;
        b.providerWaitTimeout = providerWaitTimeout;
        b.connectTimeout = connectTimeout;
        b.connectionsPerProvider = connectionsPerProvider;
        b.maxResponseBytes = maxResponseBytes;
        b.ioThreads = ioThreads;
        b.callbackExecutor = callbackExecutor;
        b.reconnectBackoffMin = reconnectBackoffMin;
        b.reconnectBackoffMax = reconnectBackoffMax;
        b.maxCallsInFlight = maxCallsInFlight;
        b.outlierConsecutiveFailures = outlierConsecutiveFailures;
        b.outlierBaseEjectionTime = outlierBaseEjectionTime;
        b.outlierMaxEjectionTime = outlierMaxEjectionTime;
        b.maxEjectionPercent = maxEjectionPercent;
        return b;
    }

    /** How long a call may take from the moment it is sent; then it fails with {@link RpcTimeoutException}. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** How long a call waits for a connected provider before {@link NoProviderException}. */
    public Duration providerWaitTimeout() {
        return providerWaitTimeout;
    }

    /** TCP connect timeout for each provider connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Persistent connections opened to each provider. */
    public int connectionsPerProvider() {
        return connectionsPerProvider;
    }

    /** Largest response body accepted; a larger one is a protocol error. */
    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    /** Netty I/O threads of the client. */
    public int ioThreads() {
        return ioThreads;
    }

    /** Where callbacks run; null means a pool the client owns and stops on close. */
    public Executor callbackExecutor() {
        return callbackExecutor;
    }

    /** First delay before reconnecting to a provider that is still listed. */
    public Duration reconnectBackoffMin() {
        return reconnectBackoffMin;
    }

    /** Upper bound of the doubling reconnect delay. */
    public Duration reconnectBackoffMax() {
        return reconnectBackoffMax;
    }

    /**
     * Calls a client may have running at once (waiting for a provider, queued for a connection or in flight); a
     * call past it fails at once with {@link OverloadException}. Default 20,000.
     */
    public int maxCallsInFlight() {
        return maxCallsInFlight;
    }

    /**
     * Provider faults in a row (timeouts, protocol errors, failed writes) that eject a provider from rotation;
     * 0 turns outlier ejection off. Default 5.
     */
    public int outlierConsecutiveFailures() {
        return outlierConsecutiveFailures;
    }

    /** Cool-down of a first ejection; the n-th ejection in a row lasts n times as long. Default 1 s. */
    public Duration outlierBaseEjectionTime() {
        return outlierBaseEjectionTime;
    }

    /** Upper bound of a cool-down. Default 30 s. */
    public Duration outlierMaxEjectionTime() {
        return outlierMaxEjectionTime;
    }

    /** Largest share of the listed providers ejected at once, in percent. Default 50. */
    public int maxEjectionPercent() {
        return maxEjectionPercent;
    }

    @Override
    public String toString() {
        return "ConsumerOptions{maxCallsInFlight=" + maxCallsInFlight + ", outlier=" + outlierConsecutiveFailures
                + " in a row, " + outlierBaseEjectionTime.toMillis() + ".." + outlierMaxEjectionTime.toMillis()
                + "ms, max " + maxEjectionPercent + "%, callTimeout=" + callTimeout.toMillis() + "ms, providerWaitTimeout="
                + providerWaitTimeout.toMillis() + "ms, connectTimeout=" + connectTimeout.toMillis()
                + "ms, connectionsPerProvider=" + connectionsPerProvider + ", maxResponseBytes=" + maxResponseBytes
                + ", ioThreads=" + ioThreads + ", reconnectBackoff=" + reconnectBackoffMin.toMillis() + ".."
                + reconnectBackoffMax.toMillis() + "ms}";
    }

    /** Builds {@link ConsumerOptions}. Not thread-safe. */
    public static final class Builder {

        private Duration callTimeout = Duration.ofSeconds(3);
        private Duration providerWaitTimeout = Duration.ofSeconds(3);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private int connectionsPerProvider = 1;
        private int maxResponseBytes = 16 * 1024 * 1024;
        private int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private Executor callbackExecutor;
        private Duration reconnectBackoffMin = Duration.ofMillis(50);
        private Duration reconnectBackoffMax = Duration.ofSeconds(2);
        private int maxCallsInFlight = 20_000;
        private int outlierConsecutiveFailures = 5;
        private Duration outlierBaseEjectionTime = Duration.ofSeconds(1);
        private Duration outlierMaxEjectionTime = Duration.ofSeconds(30);
        private int maxEjectionPercent = 50;

        private Builder() {
        }

        public Builder maxCallsInFlight(int value) {
            this.maxCallsInFlight = atLeastOne("maxCallsInFlight", value);
            return this;
        }

        /** Faults in a row that eject a provider; 0 turns outlier ejection off. */
        public Builder outlierConsecutiveFailures(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("outlierConsecutiveFailures must not be negative, was " + value);
            }
            this.outlierConsecutiveFailures = value;
            return this;
        }

        /** Cool-down of a first ejection, and the bound cool-downs grow to. */
        public Builder outlierEjectionTime(Duration base, Duration max) {
            positive("outlierEjectionTime base", base);
            positive("outlierEjectionTime max", max);
            if (max.compareTo(base) < 0) {
                throw new IllegalArgumentException("outlierEjectionTime max " + max + " is below base " + base);
            }
            this.outlierBaseEjectionTime = base;
            this.outlierMaxEjectionTime = max;
            return this;
        }

        public Builder maxEjectionPercent(int value) {
            if (value < 0 || value > 100) {
                throw new IllegalArgumentException("maxEjectionPercent must be within 0..100, was " + value);
            }
            this.maxEjectionPercent = value;
            return this;
        }

        public Builder callTimeout(Duration value) {
            this.callTimeout = positive("callTimeout", value);
            return this;
        }

        public Builder providerWaitTimeout(Duration value) {
            this.providerWaitTimeout = notNegative("providerWaitTimeout", value);
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive("connectTimeout", value);
            return this;
        }

        public Builder connectionsPerProvider(int value) {
            this.connectionsPerProvider = atLeastOne("connectionsPerProvider", value);
            return this;
        }

        public Builder maxResponseBytes(int value) {
            if (value < 64) {
                throw new IllegalArgumentException("maxResponseBytes must be at least 64, was " + value);
            }
            this.maxResponseBytes = value;
            return this;
        }

        public Builder ioThreads(int value) {
            this.ioThreads = atLeastOne("ioThreads", value);
            return this;
        }

        /** Where callbacks run. The client never shuts down an executor it was given. */
        public Builder callbackExecutor(Executor value) {
            this.callbackExecutor = Objects.requireNonNull(value, "callbackExecutor");
            return this;
        }

        public Builder reconnectBackoff(Duration min, Duration max) {
            positive("reconnectBackoff min", min);
            positive("reconnectBackoff max", max);
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("reconnectBackoff max " + max + " is below min " + min);
            }
            this.reconnectBackoffMin = min;
            this.reconnectBackoffMax = max;
            return this;
        }

        public ConsumerOptions build() {
            return new ConsumerOptions(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        private static Duration notNegative(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + value);
            }
            return value;
        }

        private static int atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }
    }
}
