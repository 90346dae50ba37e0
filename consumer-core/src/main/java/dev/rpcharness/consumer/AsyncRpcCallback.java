package dev.rpcharness.consumer;

/**
 * Receives the end of an asynchronous call. Exactly one of the two methods runs, exactly once, on the client's
 * callback executor (never on a Netty I/O thread). An exception thrown here is logged and affects nothing else.
 */
public interface AsyncRpcCallback {

    /** The call returned {@code result} (null for void methods). */
    void success(Object result);

    /** The call ended with {@code e}, an {@link RpcException} for every failure the client reports. */
    void fail(Exception e);
}
