package dev.rpcharness.consumer.policy;

/** A service whose methods carry the call policies the policy tests exercise. */
public interface PolicyService {

    /** Idempotent, retried on every failure kind, three attempts. */
    @Idempotent
    @Retry(maxAttempts = 3, backoffMillis = 5, retryOn = {RetryOn.CONNECTION_LOST, RetryOn.TIMEOUT,
            RetryOn.UNAVAILABLE, RetryOn.REMOTE_EXCEPTION})
    String read(String key);

    /** Not idempotent, though asking for retries on every failure kind: never executed twice. */
    @Retry(maxAttempts = 3, backoffMillis = 5, retryOn = {RetryOn.CONNECTION_LOST, RetryOn.TIMEOUT,
            RetryOn.UNAVAILABLE, RetryOn.REMOTE_EXCEPTION})
    String write(String key);

    /** Idempotent, each attempt cut at 300 ms, three attempts. */
    @Idempotent
    @Retry(maxAttempts = 3, backoffMillis = 5, attemptTimeoutMillis = 300, retryOn = RetryOn.TIMEOUT)
    String poll(String key);

    /** Idempotent and hedged after 100 ms, two attempts. */
    @Idempotent
    @Hedge(delayMillis = 100, maxAttempts = 2)
    String hedged(String key);

    /** No policy: one attempt. */
    String plain(String key);
}
