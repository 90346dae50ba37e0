package dev.rpcharness.provider.fault;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One fault a provider can inject into a call: a delay (latency kinds) or a change to what is written on the
 * wire. Immutable; made by the static factories, for example {@code Fault.latencyFixed(Duration.ofMillis(20))}
 * or {@code Fault.error("java.lang.IllegalStateException", "boom")}.
 */
public final class Fault {

    /** The 99th percentile of the standard normal distribution, to turn a p99 into a log-normal sigma. */
    private static final double Z_99 = 2.3263478740408408;

    private final FaultKind kind;
    private final Duration first;
    private final Duration second;
    private final String remoteType;
    private final String message;
    private final int number;

    private Fault(FaultKind kind, Duration first, Duration second, String remoteType, String message, int number) {
        this.kind = kind;
        this.first = first;
        this.second = second;
        this.remoteType = remoteType;
        this.message = message;
        this.number = number;
    }

    private static Fault of(FaultKind kind) {
        return new Fault(kind, null, null, null, null, 0);
    }

    private static Duration nonNegative(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + d);
        }
        return d;
    }

    /** Delays every affected call by exactly {@code delay}. */
    public static Fault latencyFixed(Duration delay) {
        return new Fault(FaultKind.LATENCY_FIXED, nonNegative("delay", delay), null, null, null, 0);
    }

    /** Delays every affected call by a duration drawn uniformly from {@code [min, max]}. */
    public static Fault latencyUniform(Duration min, Duration max) {
        nonNegative("min", min);
        nonNegative("max", max);
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("max " + max + " is below min " + min);
        }
        return new Fault(FaultKind.LATENCY_UNIFORM, min, max, null, null, 0);
    }

    /** Delays every affected call by a log-normal duration with the given median and 99th percentile. */
    public static Fault latencyLogNormal(Duration median, Duration p99) {
        nonNegative("median", median);
        nonNegative("p99", p99);
        if (median.isZero() || p99.compareTo(median) < 0) {
            throw new IllegalArgumentException("need 0 < median <= p99, got median " + median + ", p99 " + p99);
        }
        return new Fault(FaultKind.LATENCY_LOG_NORMAL, median, p99, null, null, 0);
    }

    /** Answers {@code {"error":{"type":remoteType,"message":message}}}. */
    public static Fault error(String remoteType, String message) {
        Objects.requireNonNull(remoteType, "remoteType");
        return new Fault(FaultKind.ERROR, null, null, remoteType, message, 0);
    }

    /** Answers with the given HTTP status (for example 503) and the request id header. */
    public static Fault httpStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " is out of range 100..599");
        }
        return new Fault(FaultKind.HTTP_STATUS, null, null, null, null, status);
    }

    /**
     * Answers with the HTTP {@code status} and an {@code X-Rpc-Pushback} header asking consumers not to retry
     * ({@code retryAfter} null: {@code stop}) or to wait {@code retryAfter} before the retry.
     */
    public static Fault pushback(int status, Duration retryAfter) {
        if (status < 300 || status > 599) {
            throw new IllegalArgumentException("pushback status " + status + " is out of range 300..599");
        }
        return new Fault(FaultKind.PUSHBACK, retryAfter == null ? null : nonNegative("retryAfter", retryAfter), null,
                null, null, status);
    }

    /** Resets the connection (RST) instead of answering. */
    public static Fault reset() {
        return of(FaultKind.RESET);
    }

    /** Closes the connection (FIN) instead of answering. */
    public static Fault closeWithoutAnswer() {
        return of(FaultKind.CLOSE_WITHOUT_ANSWER);
    }

    /** Never answers the call. */
    public static Fault hang() {
        return of(FaultKind.HANG);
    }

    /** Writes bytes that are not an HTTP response instead of the answer. */
    public static Fault garbage() {
        return of(FaultKind.GARBAGE);
    }

    /** Writes the headers and half of the body, then closes the connection. */
    public static Fault truncatedBody() {
        return of(FaultKind.TRUNCATED_BODY);
    }

    /** Answers with the id of the previous call on the same connection (or an unknown id on its first call). */
    public static Fault wrongRequestId() {
        return of(FaultKind.WRONG_REQUEST_ID);
    }

    /** Answers with an id never sent on the connection. */
    public static Fault unknownRequestId() {
        return of(FaultKind.UNKNOWN_REQUEST_ID);
    }

    /** Writes the same answer twice. */
    public static Fault duplicateAnswer() {
        return of(FaultKind.DUPLICATE_ANSWER);
    }

    /** Writes the answer in small chunks with {@code betweenChunks} between them. */
    public static Fault slowDrip(Duration betweenChunks) {
        return new Fault(FaultKind.SLOW_DRIP, nonNegative("betweenChunks", betweenChunks), null, null, null, 0);
    }

    /** Answers a well-formed body of {@code bytes} bytes (the result padded with spaces). */
    public static Fault oversizedBody(int bytes) {
        if (bytes < 64) {
            throw new IllegalArgumentException("oversized body must be at least 64 bytes, got " + bytes);
        }
        return new Fault(FaultKind.OVERSIZED_BODY, null, null, null, null, bytes);
    }

    public FaultKind kind() {
        return kind;
    }

    /** Whether this fault is a delay. */
    public boolean isLatency() {
        return kind.isLatency();
    }

    /** Remote exception type of an {@link FaultKind#ERROR} fault, else null. */
    public String remoteType() {
        return remoteType;
    }

    /** Remote exception message of an {@link FaultKind#ERROR} fault, else null. */
    public String message() {
        return message;
    }

    /** Status of an {@link FaultKind#HTTP_STATUS} or {@link FaultKind#PUSHBACK} fault, else 0. */
    public int httpStatus() {
        return kind == FaultKind.HTTP_STATUS || kind == FaultKind.PUSHBACK ? number : 0;
    }

    /** The {@code X-Rpc-Pushback} value of a {@link FaultKind#PUSHBACK} fault ({@code stop} or ms), else null. */
    public String pushbackHeader() {
        if (kind != FaultKind.PUSHBACK) {
            return null;
        }
        return first == null ? "stop" : Long.toString(first.toMillis());
    }

    /** Body size of an {@link FaultKind#OVERSIZED_BODY} fault, else 0. */
    public int bodyBytes() {
        return kind == FaultKind.OVERSIZED_BODY ? number : 0;
    }

    /** Pause between chunks of a {@link FaultKind#SLOW_DRIP} fault, else zero. */
    public Duration betweenChunks() {
        return kind == FaultKind.SLOW_DRIP ? first : Duration.ZERO;
    }

    /**
     * Draws this fault's delay in nanoseconds; zero for answer-faults.
     *
     * @param random the plan's generator, so the sequence is deterministic from the plan's seed
     */
    public long sampleDelayNanos(RandomGenerator random) {
        switch (kind) {
            case LATENCY_FIXED:
                return first.toNanos();
            case LATENCY_UNIFORM: {
                long min = first.toNanos();
                long max = second.toNanos();
                return max == min ? min : min + (long) (random.nextDouble() * (max - min + 1));
            }
            case LATENCY_LOG_NORMAL: {
                double median = first.toNanos();
                double sigma = Math.log(second.toNanos() / median) / Z_99;
                return (long) (median * Math.exp(sigma * random.nextGaussian()));
            }
            default:
                return 0L;
        }
    }

    @Override
    public String toString() {
        switch (kind) {
            case LATENCY_FIXED:
                return "latencyFixed(" + first.toMillis() + "ms)";
            case LATENCY_UNIFORM:
                return "latencyUniform(" + first.toMillis() + "ms.." + second.toMillis() + "ms)";
            case LATENCY_LOG_NORMAL:
                return "latencyLogNormal(median " + first.toMillis() + "ms, p99 " + second.toMillis() + "ms)";
            case ERROR:
                return "error(" + remoteType + ": " + message + ")";
            case HTTP_STATUS:
                return "httpStatus(" + number + ")";
            case PUSHBACK:
                return "pushback(" + number + ", " + pushbackHeader() + ")";
            case SLOW_DRIP:
                return "slowDrip(" + first.toMillis() + "ms)";
            case OVERSIZED_BODY:
                return "oversizedBody(" + number + ")";
            default:
                return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
