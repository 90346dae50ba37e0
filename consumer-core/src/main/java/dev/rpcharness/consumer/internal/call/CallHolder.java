package dev.rpcharness.consumer.internal.call;

/**
 * What holds an attempt of a call with a policy (a provider connection): it can forget the attempt once the call
 * ended elsewhere. Any thread; never blocks.
 */
public interface CallHolder {

    /** "host:port" of the provider it belongs to. */
    String address();

    /**
     * Drops {@code attempt}, which has already ended: an unsent attempt is not written, a written one leaves the
     * pending map and its deadline timer, and a late answer to it is dropped.
     */
    void forget(RpcCall attempt);
}
