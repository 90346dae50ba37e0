package dev.rpcharness.consumer.internal.proxy;

import dev.rpcharness.consumer.RpcFuture;

/** What a proxy needs from its client: start calls. Implemented by the client; thread-safe. */
public interface CallInvoker {

    /** Starts a call and returns its future at once; never blocks. */
    RpcFuture callAsync(MethodMetadata method, Object[] args);

    /** Makes a call and waits for its end; throws the call's {@link dev.rpcharness.consumer.RpcException}. */
    Object callSync(MethodMetadata method, Object[] args);
}
