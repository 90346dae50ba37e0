package dev.rpcharness.consumer;

/**
 * STUB: the implementation lands in a following commit. Public signatures are final.
 */
public final class ConsumerClient implements AutoCloseable {

    public ConsumerClient(String serverAddress) {
        this(serverAddress, ConsumerOptions.defaults());
    }

    public ConsumerClient(String serverAddress, ConsumerOptions options) {
        throw new UnsupportedOperationException("not yet");
    }

    public ConsumerClient(ServiceDiscovery discovery) {
        this(discovery, ConsumerOptions.defaults());
    }

    public ConsumerClient(ServiceDiscovery discovery, ConsumerOptions options) {
        throw new UnsupportedOperationException("not yet");
    }

    public <T> T create(Class<T> serviceInterface) {
        throw new UnsupportedOperationException("not yet");
    }

    public <T> AsyncObjectProxy createAsync(Class<T> serviceInterface) {
        throw new UnsupportedOperationException("not yet");
    }

    public int pendingCalls() {
        return 0;
    }

    public ConsumerOptions options() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }
}
