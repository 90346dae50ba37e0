package dev.rpcharness.consumer.connection;

import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.NoProviderException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.proxy.MethodMetadata;
import dev.rpcharness.protocol.RpcError;
import java.util.concurrent.Future;

/**
 * One call on its way: the method, its encoded arguments and its future, plus where and when it was sent.
 * Created on the caller's thread; after it is handed to a connection, its mutable fields are touched only by that
 * connection's event loop (or, while it waits for a provider, by the {@link ConnectionManager}).
 *
 * <p>The factory methods for failures build the messages every error carries: interface#method, provider
 * address and time spent.
 */
public final class RpcCall {

    private final MethodMetadata method;
    private final byte[] arguments;
    private final RpcFuture future;
    private int dispatchAttempts;
    private String providerAddress;
    private volatile Future<?> waitTimer;
    private Future<?> deadline;

    public RpcCall(MethodMetadata method, byte[] arguments, RpcFuture future) {
        this.method = method;
        this.arguments = arguments;
        this.future = future;
    }

    public MethodMetadata method() {
        return method;
    }

    byte[] arguments() {
        return arguments;
    }

    public RpcFuture future() {
        return future;
    }

    public String serviceName() {
        return method.serviceName();
    }

    /** Counts a (re)dispatch and returns how many there were, this one included. */
    int countDispatch() {
        return ++dispatchAttempts;
    }

    void sentTo(String address) {
        this.providerAddress = address;
        future.providerAddress(address);
    }

    /** The timer that ends the wait for a provider; set and cancelled by the {@link ConnectionManager}. */
    void waitTimer(Future<?> timer) {
        this.waitTimer = timer;
    }

    void cancelWaitTimer() {
        Future<?> t = waitTimer;
        if (t != null) {
            waitTimer = null;
            t.cancel(false);
        }
    }

    /** The call's deadline timer, set and cancelled on the event loop of the connection it was written to. */
    void deadline(Future<?> timer) {
        this.deadline = timer;
    }

    void cancelDeadline() {
        Future<?> t = deadline;
        if (t != null) {
            deadline = null;
            t.cancel(false);
        }
    }

    long elapsedMillis() {
        return (System.nanoTime() - future.startNanos()) / 1_000_000L;
    }

    private String where() {
        return method.label() + (providerAddress == null ? "" : " on " + providerAddress);
    }

    RpcTimeoutException timedOut(long timeoutMillis) {
        return new RpcTimeoutException(where() + " timed out after " + timeoutMillis + " ms (call took "
                + elapsedMillis() + " ms in all)");
    }

    ConnectionLostException connectionLost(String why) {
        return new ConnectionLostException(where() + ": connection lost with the call in flight (" + why + ") after "
                + elapsedMillis() + " ms");
    }

    RpcProtocolException protocolError(String why) {
        return new RpcProtocolException(where() + ": protocol error: " + why + " after " + elapsedMillis() + " ms");
    }

    RemoteInvocationException remoteError(RpcError error) {
        return new RemoteInvocationException(where() + " threw " + error.type() + ": " + error.message()
                + " after " + elapsedMillis() + " ms", error.type(), error.message());
    }

    public ClientClosedException clientClosed() {
        return new ClientClosedException(where() + ": client closed after " + elapsedMillis() + " ms");
    }

    public NoProviderException noProvider(long waitedMillis) {
        return new NoProviderException("no provider available for " + method.label() + ": none serving "
                + method.serviceName() + " was connected within " + waitedMillis + " ms");
    }
}
