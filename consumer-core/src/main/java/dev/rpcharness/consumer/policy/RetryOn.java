package dev.rpcharness.consumer.policy;

/**
 * The failed attempts a {@link CallPolicy} may retry once the attempt may have reached its provider (a call that
 * was never written may always go elsewhere, whatever this set says). Retrying any of them needs an idempotent
 * method.
 */
public enum RetryOn {
    /** The connection was lost with the attempt written ({@link dev.rpcharness.consumer.ConnectionLostException}). */
    CONNECTION_LOST,
    /** The attempt's own timeout passed ({@link CallPolicy#attemptTimeout()}); never the call's deadline. */
    TIMEOUT,
    /** The provider answered a non-2xx status or broke the contract ({@link dev.rpcharness.consumer.RpcProtocolException}). */
    UNAVAILABLE,
    /** The provider's method threw ({@link dev.rpcharness.consumer.RemoteInvocationException}). */
    REMOTE_EXCEPTION
}
