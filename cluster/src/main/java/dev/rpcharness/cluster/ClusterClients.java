package dev.rpcharness.cluster;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RoutingEvent;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The consumer clients of one {@link RpcCluster}: each discovers the providers through the cluster's registry, has
 * its routing changes put on the cluster's timeline (subject the provider's name, {@code p0}, ...) and its calls
 * recorded when the cluster keeps a call history. Also the cluster's default client and its proxies.
 *
 * <p>Threading: thread-safe. Lifecycle: {@link #close()} closes every client, newest first, keeps going after a
 * failure and throws the first; a client being made while it closes is closed too and its maker gets an
 * {@link IllegalStateException}.
 */
final class ClusterClients implements AutoCloseable {

    private static final Duration CONNECT_WAIT = Duration.ofSeconds(10);

    private final String connectString;
    private final String basePath;
    private final ClusterSpec spec;
    private final Timeline timeline;
    private final ProviderFleet providers;
    private final UnaryOperator<ConsumerOptions> withHistory;
    private final List<ConsumerClient> clients = new CopyOnWriteArrayList<>();
    private final Map<Class<?>, Object> proxies = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private ConsumerClient defaultClient;
    private boolean closed;

    /**
     * @param withHistory gives a client's options its id ({@link ClientIds}) and the cluster's call history (when it
     *                    keeps one)
     */
    ClusterClients(String connectString, ClusterSpec spec, Timeline timeline, ProviderFleet providers,
                   UnaryOperator<ConsumerOptions> withHistory) {
        this.connectString = connectString;
        this.basePath = spec.basePath();
        this.spec = spec;
        this.timeline = timeline;
        this.providers = providers;
        this.withHistory = withHistory;
    }

    ConsumerClient newClient(ConsumerOptions options) {
        requireOpen("newClient");
        ServiceDiscovery discovery = spec.clientSessionTimeout()
                .map(t -> new ServiceDiscovery(connectString, basePath, CONNECT_WAIT, t))
                .orElseGet(() -> new ServiceDiscovery(connectString, basePath));
        ConsumerClient client;
        try {
            client = new ConsumerClient(discovery, withHistory.apply(options));
        } catch (RuntimeException e) {
            discovery.close();
            throw e;
        }
        client.addRoutingListener(e -> timeline.record(actionOf(e.kind()), providers.nameOf(e.provider()),
                e.provider() + (e.detail().isEmpty() ? "" : " " + e.detail())));
        clients.add(client);
        synchronized (lock) {
            if (!closed) {
                return client;
            }
        }
        // The cluster closed while this client was being made: it must not outlive the cluster.
        clients.remove(client);
        client.close();
        throw new IllegalStateException("newClient: cluster at " + connectString + " closed meanwhile");
    }

    /** The timeline's action for a client's routing change. */
    static TimelineAction actionOf(RoutingEvent.Kind kind) {
        return switch (kind) {
            case LISTED -> TimelineAction.CLIENT_LISTED;
            case DELISTED -> TimelineAction.CLIENT_DELISTED;
            case CONNECTED -> TimelineAction.CLIENT_CONNECTED;
            case DISCONNECTED -> TimelineAction.CLIENT_DISCONNECTED;
            case EJECTED -> TimelineAction.CLIENT_EJECTED;
            case RETURNED -> TimelineAction.CLIENT_RETURNED;
            case THROTTLED -> TimelineAction.CLIENT_THROTTLED;
            case UNTHROTTLED -> TimelineAction.CLIENT_UNTHROTTLED;
        };
    }

    /** The default client, made with {@code options} on first use. */
    ConsumerClient defaultClient(ConsumerOptions options) {
        synchronized (lock) {
            requireOpen("client");
            if (defaultClient == null) {
                defaultClient = newClient(options);
            }
            return defaultClient;
        }
    }

    /** The default client's synchronous proxy of {@code iface}, made once. */
    <T> T proxy(Class<T> iface, ConsumerOptions options) {
        return iface.cast(proxies.computeIfAbsent(iface, i -> defaultClient(options).create(i)));
    }

    List<ConsumerClient> all() {
        return List.copyOf(clients);
    }

    int size() {
        return clients.size();
    }

    private void requireOpen(String operation) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException(operation + ": cluster at " + connectString + " is closed");
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        List<AutoCloseable> newestFirst = new ArrayList<>(clients);
        Collections.reverse(newestFirst);
        try {
            Closing.closeAll(newestFirst);
        } finally {
            clients.clear();
        }
    }

    @Override
    public String toString() {
        return "clients of the cluster at " + connectString;
    }
}
