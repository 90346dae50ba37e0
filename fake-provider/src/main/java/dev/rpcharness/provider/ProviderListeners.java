package dev.rpcharness.provider;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one provider and the delivery of its events to them: in registration order, on the calling
 * thread; a listener that throws is logged and does not stop the others. Thread-safe.
 */
final class ProviderListeners {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderListeners.class);

    private final List<ProviderListener> listeners = new CopyOnWriteArrayList<>();

    void add(ProviderListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void fire(ProviderEvent event) {
        for (ProviderListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException ex) {
                LOG.warn("{}: listener failed on {}: {}", event.provider(), event.action(), ex.toString());
            }
        }
    }
}
