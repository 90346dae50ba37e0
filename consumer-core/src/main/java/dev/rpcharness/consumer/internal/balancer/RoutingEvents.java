package dev.rpcharness.consumer.internal.balancer;

import dev.rpcharness.consumer.RoutingEvent;
import dev.rpcharness.consumer.RoutingListener;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a client's {@link RoutingEvent}s to its {@link RoutingListener}s away from the balancer's lock: the
 * balancer {@link #publish}es an event while it holds its lock (so events queue in the order the changes happened)
 * and calls {@link #deliver()} once it has released it. Delivery runs on the given executor (the client's callback
 * executor), one task at a time: every listener sees every event in order, never two at once. A listener that
 * blocks delays only later events; one that calls the client back finds no lock held.
 *
 * <p>Threading: {@link #publish}, {@link #deliver} and {@link #addListener} from any thread; listeners are called
 * on the executor's threads, one call at a time. Lifecycle: lives as long as the balancer; once the executor
 * rejects (the client closed), pending events are dropped.
 */
final class RoutingEvents {

    private static final Logger log = LoggerFactory.getLogger(RoutingEvents.class);

    private final List<RoutingListener> listeners = new CopyOnWriteArrayList<>();
    private final Queue<RoutingEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final Executor executor;
    private final Runnable drainTask = this::drain;

    /** @param executor where listeners are called; it may run the task on the calling thread */
    RoutingEvents(Executor executor) {
        this.executor = executor;
    }

    void addListener(RoutingListener listener) {
        listeners.add(listener);
    }

    /** Queues an event; it reaches the listeners after the next {@link #deliver()}. Never calls a listener. */
    void publish(RoutingEvent event) {
        if (!listeners.isEmpty()) {
            pending.add(event);
        }
    }

    /** Starts delivering what is queued unless a delivery runs. Never call it while holding a lock. */
    void deliver() {
        if (pending.isEmpty() || !delivering.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(drainTask);
        } catch (RejectedExecutionException closed) {
            log.debug("routing events not delivered: the callback executor is closed");
            pending.clear();
            delivering.set(false);
        }
    }

    private void drain() {
        do {
            RoutingEvent event;
            while ((event = pending.poll()) != null) {
                for (RoutingListener l : listeners) {
                    try {
                        l.onRoutingEvent(event);
                    } catch (RuntimeException e) {
                        log.warn("routing listener {} failed on {}", l, event, e);
                    }
                }
            }
            delivering.set(false);
            // An event queued after the last poll, while this delivery still ran, is not left behind.
        } while (!pending.isEmpty() && delivering.compareAndSet(false, true));
    }
}
