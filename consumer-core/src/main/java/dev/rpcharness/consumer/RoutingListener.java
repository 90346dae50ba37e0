package dev.rpcharness.consumer;

/**
 * Receives a client's {@link RoutingEvent}s. Registered with {@link ConsumerClient#addRoutingListener}. Called on
 * the client's I/O or discovery threads, one event at a time per provider: it must be quick and must not block or
 * call the client back synchronously. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface RoutingListener {
    void onRoutingEvent(RoutingEvent event);
}
