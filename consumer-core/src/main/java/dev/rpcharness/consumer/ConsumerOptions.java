package dev.rpcharness.consumer;

import static dev.rpcharness.consumer.OptionChecks.atLeast;
import static dev.rpcharness.consumer.OptionChecks.atLeastOne;
import static dev.rpcharness.consumer.OptionChecks.notNegative;
import static dev.rpcharness.consumer.OptionChecks.positive;
import static dev.rpcharness.consumer.OptionChecks.positiveRange;
import static dev.rpcharness.consumer.OptionChecks.within;

import dev.rpcharness.consumer.policy.CallPolicy;
import dev.rpcharness.consumer.policy.RetryBudget;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private final double outlierFailureRatio;
    private final int outlierMinimumCalls;
    private final Duration outlierInterval;
    private final CallHistory callHistory;
    private final String clientId;
    private final Map<String, CallPolicy> methodPolicies;
    private final RetryBudget retryBudget;

    private ConsumerOptions(Builder b) {
        this.methodPolicies = Map.copyOf(b.methodPolicies);
        this.retryBudget = b.retryBudget;
        this.clientId = b.clientId;
        this.outlierFailureRatio = b.outlierFailureRatio;
        this.outlierMinimumCalls = b.outlierMinimumCalls;
        this.outlierInterval = b.outlierInterval;
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
        this.callHistory = b.callHistory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: 3 s call timeout, 3 s provider wait, 2 connections per provider. */
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
        b.outlierFailureRatio = outlierFailureRatio;
        b.outlierMinimumCalls = outlierMinimumCalls;
        b.outlierInterval = outlierInterval;
        b.callHistory = callHistory;
        b.clientId = clientId;
        b.methodPolicies.putAll(methodPolicies);
        b.retryBudget = retryBudget;
        return b;
    }

    /**
     * How long a call may take from the moment it is sent; then it fails with {@link RpcTimeoutException}. A call
     * whose method's policy allows more than one attempt has one deadline over all of them, counted from its start
     * (docs/call-policies.md).
     */
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

    /**
     * Persistent connections opened to each provider; default 2. Calls go round robin over them, and each is
     * served by one I/O thread, so two spread a busy provider's calls over two I/O threads and keep each
     * connection's batches of writes and reads short: in the speed benchmark two connections carry 25 to 40%
     * more calls per second than one at the same CPU, and a slow answer holds up half the calls behind it.
     */
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

    /**
     * Where callbacks run; null means threads the client owns and stops on close (one drainer awake at a time, and a
     * watcher that hands the queue to another thread when a callback blocks; docs/api.md, "Where callbacks run").
     */
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

    /**
     * Cool-down of a first ejection; the n-th ejection in a row lasts n times as long (each whole
     * {@link #outlierInterval()} a provider then spends in full rotation takes one off n). Default 1 s.
     */
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

    /**
     * Share of a provider's calls within the last {@link #outlierInterval()} that, once faults (the same faults as
     * for {@link #outlierConsecutiveFailures()}), eject it, when the window holds at least
     * {@link #outlierMinimumCalls()} calls: this catches a provider that fails often but rarely several times in a
     * row. Within 0..1; 0 (the default) turns this rule off.
     */
    public double outlierFailureRatio() {
        return outlierFailureRatio;
    }

    /** Calls the window must hold before {@link #outlierFailureRatio()} judges a provider. Default 20. */
    public int outlierMinimumCalls() {
        return outlierMinimumCalls;
    }

    /**
     * Length of the sliding window of {@link #outlierFailureRatio()}, and the clean time in full rotation that takes
     * one ejection off a provider's count (so its next cool-down is shorter). Default 10 s.
     */
    public Duration outlierInterval() {
        return outlierInterval;
    }

    /**
     * Where every call's start, write and end are reported ({@link CallHistory}); {@link CallHistory#NONE} (the
     * default) records nothing.
     */
    public CallHistory callHistory() {
        return callHistory;
    }

    /**
     * The id the client sends on every request ({@code X-Rpc-Client-Id}, docs/wire-contract.md), or null (the
     * default): each client then draws a random one ({@link ConsumerClient#clientId()}). Set it to reproduce a run
     * (a replay, a cluster deriving ids from its seed); two clients sharing an id look like one to a fake provider.
     */
    public String clientId() {
        return clientId;
    }

    /**
     * The policy of {@code method} of {@code serviceInterface}: the one given to
     * {@link Builder#methodPolicy} for it if any, else the one its annotations declare
     * ({@link CallPolicy#of(Method)}), else {@link CallPolicy#ONE_ATTEMPT}.
     */
    public CallPolicy policyFor(Class<?> serviceInterface, Method method) {
        CallPolicy given = methodPolicies.get(serviceInterface.getName() + "#" + method.getName());
        return given != null ? given : CallPolicy.of(method);
    }

    /** The per-method policies given in these options, keyed {@code interface-name#method}. */
    public Map<String, CallPolicy> methodPolicies() {
        return methodPolicies;
    }

    /** The client's retry budget ({@link RetryBudget#DEFAULT} unless set). */
    public RetryBudget retryBudget() {
        return retryBudget;
    }

    /**
     * Equal when every option is: durations and numbers by value, the callback executor and the call history by
     * identity (the same executor, the same recorder).
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConsumerOptions other)) {
            return false;
        }
        return connectionsPerProvider == other.connectionsPerProvider
                && maxResponseBytes == other.maxResponseBytes
                && ioThreads == other.ioThreads
                && maxCallsInFlight == other.maxCallsInFlight
                && outlierConsecutiveFailures == other.outlierConsecutiveFailures
                && maxEjectionPercent == other.maxEjectionPercent
                && Double.compare(outlierFailureRatio, other.outlierFailureRatio) == 0
                && outlierMinimumCalls == other.outlierMinimumCalls
                && callTimeout.equals(other.callTimeout)
                && providerWaitTimeout.equals(other.providerWaitTimeout)
                && connectTimeout.equals(other.connectTimeout)
                && reconnectBackoffMin.equals(other.reconnectBackoffMin)
                && reconnectBackoffMax.equals(other.reconnectBackoffMax)
                && outlierBaseEjectionTime.equals(other.outlierBaseEjectionTime)
                && outlierMaxEjectionTime.equals(other.outlierMaxEjectionTime)
                && outlierInterval.equals(other.outlierInterval)
                && callbackExecutor == other.callbackExecutor
                && callHistory == other.callHistory
                && Objects.equals(clientId, other.clientId)
                && methodPolicies.equals(other.methodPolicies)
                && retryBudget.equals(other.retryBudget);
    }

    @Override
    public int hashCode() {
        return Objects.hash(callTimeout, providerWaitTimeout, connectTimeout, connectionsPerProvider,
                maxResponseBytes, ioThreads, reconnectBackoffMin, reconnectBackoffMax, maxCallsInFlight,
                outlierConsecutiveFailures, outlierBaseEjectionTime, outlierMaxEjectionTime, maxEjectionPercent,
                outlierFailureRatio, outlierMinimumCalls, outlierInterval, System.identityHashCode(callbackExecutor),
                System.identityHashCode(callHistory), clientId, methodPolicies, retryBudget);
    }

    @Override
    public String toString() {
        return "ConsumerOptions{" + (clientId == null ? "" : "clientId=" + clientId + ", ")
                + "maxCallsInFlight=" + maxCallsInFlight + ", outlier=" + outlierConsecutiveFailures
                + " in a row, " + outlierBaseEjectionTime.toMillis() + ".." + outlierMaxEjectionTime.toMillis()
                + "ms, max " + maxEjectionPercent + "%, failureRatio=" + outlierFailureRatio + " of >= "
                + outlierMinimumCalls + " calls in " + outlierInterval.toMillis() + "ms, callTimeout="
                + callTimeout.toMillis() + "ms, providerWaitTimeout=" + providerWaitTimeout.toMillis() + "ms, connectTimeout=" + connectTimeout.toMillis()
                + "ms, connectionsPerProvider=" + connectionsPerProvider + ", maxResponseBytes=" + maxResponseBytes
                + ", ioThreads=" + ioThreads + ", reconnectBackoff=" + reconnectBackoffMin.toMillis() + ".."
                + reconnectBackoffMax.toMillis() + "ms, retryBudget=" + retryBudget.maxTokens() + "/"
                + retryBudget.tokenRatio() + (methodPolicies.isEmpty() ? "" : ", methodPolicies=" + methodPolicies)
                + "}";
    }

    /** Builds {@link ConsumerOptions}. Not thread-safe. */
    public static final class Builder {

        private Duration callTimeout = Duration.ofSeconds(3);
        private Duration providerWaitTimeout = Duration.ofSeconds(3);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private int connectionsPerProvider = 2;
        private int maxResponseBytes = 16 * 1024 * 1024;
        private int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private Executor callbackExecutor;
        private CallHistory callHistory = CallHistory.NONE;
        private Duration reconnectBackoffMin = Duration.ofMillis(50);
        private Duration reconnectBackoffMax = Duration.ofSeconds(2);
        private int maxCallsInFlight = 20_000;
        private int outlierConsecutiveFailures = 5;
        private Duration outlierBaseEjectionTime = Duration.ofSeconds(1);
        private Duration outlierMaxEjectionTime = Duration.ofSeconds(30);
        private int maxEjectionPercent = 50;
        private double outlierFailureRatio = 0;
        private int outlierMinimumCalls = 20;
        private Duration outlierInterval = Duration.ofSeconds(10);
        private String clientId;
        private final Map<String, CallPolicy> methodPolicies = new LinkedHashMap<>();
        private RetryBudget retryBudget = RetryBudget.DEFAULT;

        private Builder() {
        }

        /**
         * The policy of the method named {@code methodName} of {@code serviceInterface} (every overload), winning
         * over its annotations; null removes an earlier entry.
         *
         * @throws IllegalArgumentException when the interface has no such method
         */
        public Builder methodPolicy(Class<?> serviceInterface, String methodName, CallPolicy policy) {
            Objects.requireNonNull(serviceInterface, "methodPolicy serviceInterface");
            Objects.requireNonNull(methodName, "methodPolicy methodName");
            if (!serviceInterface.isInterface() || Arrays.stream(serviceInterface.getMethods())
                    .noneMatch(m -> m.getName().equals(methodName))) {
                throw new IllegalArgumentException("methodPolicy: " + serviceInterface.getName()
                        + " is not an interface with a method '" + methodName + "'");
            }
            String key = serviceInterface.getName() + "#" + methodName;
            if (policy == null) {
                methodPolicies.remove(key);
            } else {
                methodPolicies.put(key, policy);
            }
            return this;
        }

        /** The client's retry budget: {@link RetryBudget#DEFAULT} unless set. */
        public Builder retryBudget(RetryBudget value) {
            this.retryBudget = Objects.requireNonNull(value, "retryBudget");
            return this;
        }

        /** Share of failed calls in the window that ejects a provider, within 0..1; 0 turns the rule off. */
        public Builder outlierFailureRatio(double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException("outlierFailureRatio must be within 0..1 (0 turns it off), was "
                        + value);
            }
            this.outlierFailureRatio = value;
            return this;
        }

        /** Calls the window must hold before the failure ratio judges a provider. */
        public Builder outlierMinimumCalls(int value) {
            this.outlierMinimumCalls = atLeastOne("outlierMinimumCalls", value);
            return this;
        }

        /** Length of the failure-ratio window, and the clean time that shortens the next cool-down. */
        public Builder outlierInterval(Duration value) {
            positive("outlierInterval", value);
            if (value.toNanos() < 10_000_000) {
                throw new IllegalArgumentException("outlierInterval must be at least 10 ms, was " + value);
            }
            this.outlierInterval = value;
            return this;
        }

        public Builder maxCallsInFlight(int value) {
            this.maxCallsInFlight = atLeastOne("maxCallsInFlight", value);
            return this;
        }

        /** Faults in a row that eject a provider; 0 turns outlier ejection off. */
        public Builder outlierConsecutiveFailures(int value) {
            this.outlierConsecutiveFailures = notNegative("outlierConsecutiveFailures", value);
            return this;
        }

        /** Cool-down of a first ejection, and the bound cool-downs grow to. */
        public Builder outlierEjectionTime(Duration base, Duration max) {
            positiveRange("outlierEjectionTime", "base", base, "max", max);
            this.outlierBaseEjectionTime = base;
            this.outlierMaxEjectionTime = max;
            return this;
        }

        public Builder maxEjectionPercent(int value) {
            this.maxEjectionPercent = within("maxEjectionPercent", 0, 100, value);
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
            this.maxResponseBytes = atLeast("maxResponseBytes", 64, value);
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
            positiveRange("reconnectBackoff", "min", min, "max", max);
            this.reconnectBackoffMin = min;
            this.reconnectBackoffMax = max;
            return this;
        }

        /** Records every call's start, write and end there (off by default: {@link CallHistory#NONE}). */
        public Builder callHistory(CallHistory value) {
            this.callHistory = Objects.requireNonNull(value, "callHistory");
            return this;
        }

        /** The longest {@link #clientId(String)}. */
        public static final int MAX_CLIENT_ID_LENGTH = 64;

        /**
         * The id sent on every request of the client: 1 to {@value #MAX_CLIENT_ID_LENGTH} letters, digits, '-', '_'
         * or '.'; null (the default) gives each client a random one.
         */
        public Builder clientId(String value) {
            if (value != null) {
                boolean ok = !value.isEmpty() && value.length() <= MAX_CLIENT_ID_LENGTH;
                for (int i = 0; ok && i < value.length(); i++) {
                    char c = value.charAt(i);
                    ok = c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
                }
                if (!ok) {
                    throw new IllegalArgumentException("clientId must be 1 to " + MAX_CLIENT_ID_LENGTH
                            + " letters, digits, '-', '_' or '.', was '" + value + "'");
                }
            }
            this.clientId = value;
            return this;
        }

        public ConsumerOptions build() {
            return new ConsumerOptions(this);
        }
    }
}
