package dev.rpcharness.consumer.internal.policy;

import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.policy.CallPolicy;
import dev.rpcharness.consumer.policy.RetryOn;

/**
 * What a failed attempt allows (docs/call-policies.md, "Which failures are retried"). Stateless.
 */
enum AttemptFailure {
    /** It was never written: it may go to another provider whatever the method, without spending the budget. */
    NOT_SENT,
    /** It may have reached its provider, the method is idempotent and the policy retries this failure. */
    RETRYABLE,
    /** The call ends with it (or with another attempt still running). */
    FINAL;

    static AttemptFailure of(RpcCall attempt, Throwable failure, CallPolicy policy) {
        return of(attempt, failure, policy, policy.idempotent());
    }

    /** As {@link #of(RpcCall, Throwable, CallPolicy)}, with the method taken as idempotent when {@code idempotent}. */
    static AttemptFailure of(RpcCall attempt, Throwable failure, CallPolicy policy, boolean idempotent) {
        RetryOn kind = kindOf(failure);
        if (kind == null) {
            return FINAL; // cancelled, client closed, no provider within the wait, overload, ...
        }
        if (!attempt.written() && (kind == RetryOn.CONNECTION_LOST || kind == RetryOn.TIMEOUT)) {
            return NOT_SENT;
        }
        return idempotent && policy.retryOn().contains(kind) ? RETRYABLE : FINAL;
    }

    /** The failure's kind, or null for one that is never retried. */
    static RetryOn kindOf(Throwable failure) {
        if (failure instanceof ConnectionLostException) {
            return RetryOn.CONNECTION_LOST;
        }
        if (failure instanceof RpcTimeoutException) {
            return RetryOn.TIMEOUT;
        }
        if (failure instanceof RpcProtocolException) {
            return RetryOn.UNAVAILABLE;
        }
        if (failure instanceof RemoteInvocationException) {
            return RetryOn.REMOTE_EXCEPTION;
        }
        return null;
    }
}
