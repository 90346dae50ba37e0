package dev.rpcharness.loadtest.record;

import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.NoProviderException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import java.util.Locale;

/**
 * How one call ended, in the classes a load report keeps apart. Each class has its own latency histograms, because
 * a fast "connection lost" and a slow "ok" must never average into one number.
 */
public enum Outcome {
    /** The call returned a result. */
    OK,
    /** The provider's method threw ({@link RemoteInvocationException}). */
    REMOTE_ERROR,
    /** The call timed out ({@link RpcTimeoutException}). */
    TIMEOUT,
    /** The connection closed or reset with the call in flight ({@link ConnectionLostException}). */
    CONNECTION_LOST,
    /** No provider was connected within the wait budget ({@link NoProviderException}). */
    NO_PROVIDER,
    /** Non-2xx status, malformed, truncated or oversized response ({@link RpcProtocolException}). */
    PROTOCOL_ERROR,
    /** The client was closed ({@link ClientClosedException}). */
    CLIENT_CLOSED,
    /** Any other failure (a bug, a cancellation, an encoding error). */
    OTHER_ERROR,
    /**
     * The call returned a result, but a check of the scenario rejected it (a wrong answer). Never the outcome of
     * {@link #of(Throwable)}: the load generator decides it after the checks, and uses it everywhere a call is
     * counted (histogram tags, summaries, Gatling's status), so a wrong answer is never counted as {@link #OK}.
     */
    CHECK_FAILED;

    /** {@link #label()}, made once: it is read for every call recorded. */
    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The outcome of a call that ended with {@code error} on the wire; null means success. */
    public static Outcome of(Throwable error) {
        if (error == null) {
            return OK;
        }
        if (error instanceof RemoteInvocationException) {
            return REMOTE_ERROR;
        }
        if (error instanceof RpcTimeoutException) {
            return TIMEOUT;
        }
        if (error instanceof ConnectionLostException) {
            return CONNECTION_LOST;
        }
        if (error instanceof NoProviderException) {
            return NO_PROVIDER;
        }
        if (error instanceof RpcProtocolException) {
            return PROTOCOL_ERROR;
        }
        if (error instanceof ClientClosedException) {
            return CLIENT_CLOSED;
        }
        return OTHER_ERROR;
    }

    /** Lower-case, dash-separated name used in histogram tags and Gatling's status codes, e.g. {@code no-provider}. */
    public String label() {
        return label;
    }
}
