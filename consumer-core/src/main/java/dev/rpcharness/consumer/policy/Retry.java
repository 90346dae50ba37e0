package dev.rpcharness.consumer.policy;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries of a service method (docs/call-policies.md): up to {@link #maxAttempts()} attempts in all, the first
 * included, each to another provider when one is usable, all inside the call's one deadline, with an exponential,
 * jittered backoff between them. Calls that may have reached a provider are retried only when the method is also
 * {@link Idempotent}. {@link dev.rpcharness.consumer.ConsumerOptions.Builder#methodPolicy} overrides it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Retry {

    /** Attempts in all, the first included; 1 to {@value CallPolicy#MAX_ATTEMPTS_LIMIT}. */
    int maxAttempts() default 3;

    /** The backoff before the first retry, in milliseconds; it doubles per retry up to {@link #maxBackoffMillis()}. */
    long backoffMillis() default 20;

    /** The longest backoff, in milliseconds. */
    long maxBackoffMillis() default 1000;

    /** The share of each backoff drawn at random (0 to 1): 0.2 waits 80% to 120% of it. */
    double jitter() default 0.2;

    /** The failures of an attempt that may have reached its provider which are retried. */
    RetryOn[] retryOn() default {RetryOn.CONNECTION_LOST, RetryOn.UNAVAILABLE};

    /** Each attempt's own timeout in milliseconds, never past the call's deadline; 0: the call's deadline only. */
    long attemptTimeoutMillis() default 0;
}
