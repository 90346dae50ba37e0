package dev.rpcharness.consumer;

/**
 * Receives a client's {@link RoutingEvent}s. Registered with {@link ConsumerClient#addRoutingListener}. Called on
 * the client's callback executor ({@link ConsumerOptions#callbackExecutor()}, else the client's own callback
 * threads, never its I/O threads), never under a lock of the client, one event at a time, in the order the changes
 * happened. It may call the client back; if it blocks, it delays the later events (and holds one callback thread)
 * but not the calls. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface RoutingListener {
    void onRoutingEvent(RoutingEvent event);
}
