package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.internal.call.RpcCall;

/**
 * What a {@link ProviderConnection} tells its owner (the balancer): state and writability changes, call ends for
 * outlier detection, and the calls it cannot write, to be sent elsewhere. Every method is called on the
 * connection's event loop, so it must not block.
 */
public interface ConnectionListener {
    void onStateChange(ProviderConnection connection, ConnectivityState state);

    /** A call taken here could not be written because the channel went away before it was sent. */
    void redispatch(RpcCall call);

    /** A call written here ended; {@code providerFault}: timeout, protocol error or failed write. */
    void callEnded(ProviderConnection connection, boolean providerFault);

    /** The channel's writability changed. */
    void writabilityChanged(ProviderConnection connection, boolean writable);

    /**
     * The channel is not writable and {@code call} waits in its backlog unsent: may it go elsewhere? Returns
     * true when the call was handed to another, writable connection (it left this one).
     */
    boolean reroute(ProviderConnection from, RpcCall call);

    /**
     * Whether any connection other than {@code from} takes writes now: without one no unsent call can move,
     * and the backlog is not walked at all.
     */
    boolean anyOtherWritable(ProviderConnection from);

    /**
     * This connection's provider left rotation (ejected) and {@code call} waits in its backlog unsent: hand it
     * to a usable connection, writable or not. Returns true when it left this one.
     */
    boolean relocate(ProviderConnection from, RpcCall call);
}
