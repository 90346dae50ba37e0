package dev.rpcharness.consumer.policy;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How the client makes the calls of one method (docs/call-policies.md): whether the method is idempotent, how many
 * attempts a call may take in all, which failures of an attempt that may have reached its provider are retried,
 * the backoff between retries, each attempt's own timeout and hedging. Every attempt, backoff and hedge fits inside
 * the call's one deadline ({@link dev.rpcharness.consumer.ConsumerOptions#callTimeout()}).
 *
 * <p>{@link #ONE_ATTEMPT} is the default: one attempt, as a client without policies makes. A policy comes from the
 * method's annotations ({@link #of(Method)}: {@link Idempotent}, {@link Retry}, {@link Hedge}) or from
 * {@link dev.rpcharness.consumer.ConsumerOptions.Builder#methodPolicy}, which wins.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, which rejects every bad value naming the option and
 * the value.
 */
public final class CallPolicy {

    /** The most attempts a policy may allow. */
    public static final int MAX_ATTEMPTS_LIMIT = 10;

    /** One attempt, not idempotent: the client's behaviour without policies. */
    public static final CallPolicy ONE_ATTEMPT = builder().build();

    private final boolean idempotent;
    private final int maxAttempts;
    private final Set<RetryOn> retryOn;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration attemptTimeout;
    private final Duration hedgeDelay;

    private CallPolicy(Builder b) {
        this.idempotent = b.idempotent;
        this.maxAttempts = b.maxAttempts;
        this.retryOn = Collections.unmodifiableSet(b.retryOn.isEmpty() ? EnumSet.noneOf(RetryOn.class)
                : EnumSet.copyOf(b.retryOn));
        this.backoff = b.backoff;
        this.maxBackoff = b.maxBackoff;
        this.jitter = b.jitter;
        this.attemptTimeout = b.attemptTimeout;
        this.hedgeDelay = b.hedgeDelay;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this policy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.idempotent = idempotent;
        b.maxAttempts = maxAttempts;
        b.retryOn = EnumSet.noneOf(RetryOn.class);
        b.retryOn.addAll(retryOn);
        b.backoff = backoff;
        b.maxBackoff = maxBackoff;
        b.jitter = jitter;
        b.attemptTimeout = attemptTimeout;
        b.hedgeDelay = hedgeDelay;
        return b;
    }

    /**
     * The policy the annotations of {@code method} declare, {@link #ONE_ATTEMPT} when it has none.
     *
     * @throws IllegalArgumentException naming the method when an annotation holds a bad value
     */
    public static CallPolicy of(Method method) {
        Idempotent idem = method.getAnnotation(Idempotent.class);
        Retry retry = method.getAnnotation(Retry.class);
        Hedge hedge = method.getAnnotation(Hedge.class);
        if (idem == null && retry == null && hedge == null) {
            return ONE_ATTEMPT;
        }
        try {
            Builder b = builder().idempotent(idem != null);
            int attempts = 1;
            if (retry != null) {
                attempts = retry.maxAttempts();
                b.retryOn(retry.retryOn()).backoff(Duration.ofMillis(retry.backoffMillis()),
                        Duration.ofMillis(retry.maxBackoffMillis())).jitter(retry.jitter());
                if (retry.attemptTimeoutMillis() != 0) {
                    b.attemptTimeout(Duration.ofMillis(retry.attemptTimeoutMillis()));
                }
            }
            if (hedge != null) {
                attempts = Math.max(attempts, hedge.maxAttempts());
                b.hedgeDelay(Duration.ofMillis(hedge.delayMillis()));
            }
            return b.maxAttempts(attempts).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(method.getDeclaringClass().getSimpleName() + "#" + method.getName()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Whether a call that may have reached a provider may be executed again (retried or hedged). */
    public boolean idempotent() {
        return idempotent;
    }

    /** Attempts in all, the first included (retries and hedges together). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether this is a one-attempt policy: the call takes the client's plain path. */
    public boolean singleAttempt() {
        return maxAttempts == 1;
    }

    /** The failures of an attempt that may have reached its provider which are retried (idempotent methods only). */
    public Set<RetryOn> retryOn() {
        return retryOn;
    }

    /** The backoff before the first retry; it doubles per retry up to {@link #maxBackoff()}. */
    public Duration backoff() {
        return backoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The share of each backoff drawn at random, 0 to 1. */
    public double jitter() {
        return jitter;
    }

    /** Each attempt's own timeout (never past the call's deadline), or null: the call's deadline only. */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /** The wait for an answer before the next hedged attempt, or null when the method is not hedged. */
    public Duration hedgeDelay() {
        return hedgeDelay;
    }

    /**
     * The backoff before retry number {@code retry} (1 for the first), with its jitter drawn from {@code random}
     * (0 to 1), in nanoseconds.
     */
    public long backoffNanos(int retry, double random) {
        long base = backoff.toNanos();
        long max = maxBackoff.toNanos();
        long wait = base;
        for (int i = 1; i < retry && wait < max; i++) {
            wait = Math.min(max, wait * 2);
        }
        wait = Math.min(max, wait);
        return Math.max(0, (long) (wait * (1 - jitter + 2 * jitter * random)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CallPolicy p && idempotent == p.idempotent && maxAttempts == p.maxAttempts
                && retryOn.equals(p.retryOn) && backoff.equals(p.backoff) && maxBackoff.equals(p.maxBackoff)
                && Double.compare(jitter, p.jitter) == 0 && Objects.equals(attemptTimeout, p.attemptTimeout)
                && Objects.equals(hedgeDelay, p.hedgeDelay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(idempotent, maxAttempts, retryOn, backoff, maxBackoff, jitter, attemptTimeout,
                hedgeDelay);
    }

    @Override
    public String toString() {
        return "CallPolicy{" + (idempotent ? "idempotent, " : "") + "maxAttempts=" + maxAttempts + ", retryOn="
                + retryOn + ", backoff=" + backoff.toMillis() + ".." + maxBackoff.toMillis() + "ms, jitter=" + jitter
                + (attemptTimeout == null ? "" : ", attemptTimeout=" + attemptTimeout.toMillis() + "ms")
                + (hedgeDelay == null ? "" : ", hedgeDelay=" + hedgeDelay.toMillis() + "ms") + "}";
    }

    /** Builds a {@link CallPolicy}; each setter checks its value. Not thread-safe. */
    public static final class Builder {
        private boolean idempotent;
        private int maxAttempts = 1;
        private EnumSet<RetryOn> retryOn = EnumSet.of(RetryOn.CONNECTION_LOST, RetryOn.UNAVAILABLE);
        private Duration backoff = Duration.ofMillis(20);
        private Duration maxBackoff = Duration.ofSeconds(1);
        private double jitter = 0.2;
        private Duration attemptTimeout;
        private Duration hedgeDelay;

        private Builder() {
        }

        public Builder idempotent(boolean value) {
            this.idempotent = value;
            return this;
        }

        /** Attempts in all, the first included: 1 to {@value #MAX_ATTEMPTS_LIMIT}. */
        public Builder maxAttempts(int value) {
            if (value < 1 || value > MAX_ATTEMPTS_LIMIT) {
                throw new IllegalArgumentException("maxAttempts must be within 1.." + MAX_ATTEMPTS_LIMIT + ", was "
                        + value);
            }
            this.maxAttempts = value;
            return this;
        }

        public Builder retryOn(RetryOn... kinds) {
            Objects.requireNonNull(kinds, "retryOn");
            EnumSet<RetryOn> set = EnumSet.noneOf(RetryOn.class);
            for (RetryOn kind : kinds) {
                set.add(Objects.requireNonNull(kind, "retryOn element"));
            }
            this.retryOn = set;
            return this;
        }

        /** The first backoff (not negative) and the longest (not below the first). */
        public Builder backoff(Duration first, Duration max) {
            Objects.requireNonNull(first, "backoff");
            Objects.requireNonNull(max, "maxBackoff");
            if (first.isNegative()) {
                throw new IllegalArgumentException("backoff must not be negative, was " + first);
            }
            if (max.compareTo(first) < 0) {
                throw new IllegalArgumentException("maxBackoff " + max + " is below backoff " + first);
            }
            this.backoff = first;
            this.maxBackoff = max;
            return this;
        }

        /** The share of each backoff drawn at random: 0 to 1. */
        public Builder jitter(double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException("jitter must be within 0..1, was " + value);
            }
            this.jitter = value;
            return this;
        }

        /** Each attempt's own timeout, positive; null for the call's deadline only. */
        public Builder attemptTimeout(Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw new IllegalArgumentException("attemptTimeout must be positive, was " + value);
            }
            this.attemptTimeout = value;
            return this;
        }

        /** The wait before each hedged attempt, positive; null for no hedging. Needs an idempotent method. */
        public Builder hedgeDelay(Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw new IllegalArgumentException("hedgeDelay must be positive, was " + value);
            }
            this.hedgeDelay = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException when hedging is asked of a method not idempotent, or with one attempt
         */
        public CallPolicy build() {
            if (hedgeDelay != null && !idempotent) {
                throw new IllegalArgumentException("hedgeDelay " + hedgeDelay + " needs an idempotent method:"
                        + " hedged attempts may all execute");
            }
            if (hedgeDelay != null && maxAttempts < 2) {
                throw new IllegalArgumentException("hedgeDelay " + hedgeDelay + " needs maxAttempts of at least 2,"
                        + " was " + maxAttempts);
            }
            return new CallPolicy(this);
        }
    }
}
