package dev.rpcharness.consumer.connection;

import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.codec.ResponseDecoder;
import dev.rpcharness.protocol.ProviderNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the connections of one client to its providers and picks one for each call. One per client, never
 * shared.
 *
 * <p>The provider list comes from {@link #updateProviders} (discovery or the direct addresses): new providers get
 * {@code connectionsPerProvider} connections, delisted ones are shut down gracefully. Calls go round robin over
 * the READY connections whose provider serves the interface (each provider weighted by its node's weight). The
 * routing table is an immutable snapshot swapped on every state change; picking reads it and bumps an atomic
 * counter, so the hot path takes no lock.
 *
 * <p>When no provider is connected, {@link #chooseConnection} (synchronous callers) waits on a {@link Condition}
 * up to a budget, while {@link #dispatch} (asynchronous callers) parks the call and returns at once; a parked
 * call is sent as soon as a provider becomes READY, or fails with a no-provider error when its wait budget ends.
 *
 * <p>Threading: all public methods are thread-safe.
 */
public final class ConnectionManager implements AutoCloseable, ProviderConnection.Listener {

    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);
    private static final int MAX_DISPATCHES = 3;

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final ConsumerOptions options;
    private final ResponseDecoder decoder;
    private final long providerWaitNanos;
    private final Map<String, List<ProviderConnection>> connections = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<RpcCall> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock readyLock = new ReentrantLock();
    private final Condition readyChanged = readyLock.newCondition();
    private volatile Routing routing = new Routing(List.of());
    private volatile boolean closed;

    public ConnectionManager(EventLoopGroup group, Bootstrap bootstrap, ConsumerOptions options,
                             ResponseDecoder decoder) {
        this.group = group;
        this.bootstrap = bootstrap;
        this.options = options;
        this.decoder = decoder;
        this.providerWaitNanos = options.providerWaitTimeout().toNanos();
    }

    /** Applies a new provider list: connects to new providers, shuts down the delisted ones. */
    public synchronized void updateProviders(List<ProviderNode> providers) {
        if (closed) {
            return;
        }
        Map<String, ProviderNode> listed = new HashMap<>();
        for (ProviderNode node : providers) {
            listed.put(node.address(), node);
        }
        boolean changed = false;
        for (var it = connections.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<ProviderConnection>> entry = it.next();
            ProviderNode node = listed.get(entry.getKey());
            if (node == null) {
                log.info("provider {} delisted; closing its connections once their calls end", entry.getKey());
                entry.getValue().forEach(ProviderConnection::shutdownGracefully);
                it.remove();
                changed = true;
            } else if (!node.equals(entry.getValue().get(0).node())) {
                entry.getValue().forEach(c -> c.node(node));
                changed = true;
            }
        }
        for (ProviderNode node : providers) {
            if (!connections.containsKey(node.address())) {
                List<ProviderConnection> slots = new ArrayList<>();
                for (int slot = 0; slot < options.connectionsPerProvider(); slot++) {
                    ProviderConnection c = new ProviderConnection(node, slot, group.next(), bootstrap, this, decoder,
                            options.callTimeout().toNanos(), options.maxResponseBytes(),
                            options.reconnectBackoffMin().toNanos(), options.reconnectBackoffMax().toNanos());
                    slots.add(c);
                }
                connections.put(node.address(), slots);
                log.info("provider {} listed; connecting", node.address());
                slots.forEach(ProviderConnection::start);
            }
        }
        if (changed) {
            rebuildRouting();
        }
    }

    @Override
    public void onStateChange(ProviderConnection connection, ConnectivityState state) {
        rebuildRouting();
        if (state == ConnectivityState.READY) {
            releaseWaiting();
        }
    }

    private synchronized void rebuildRouting() {
        List<ProviderConnection> ready = new ArrayList<>();
        for (List<ProviderConnection> slots : connections.values()) {
            for (ProviderConnection c : slots) {
                if (c.state() == ConnectivityState.READY) {
                    ready.add(c);
                }
            }
        }
        routing = new Routing(ready);
        readyLock.lock();
        try {
            readyChanged.signalAll();
        } finally {
            readyLock.unlock();
        }
    }

    /** The next READY connection for the interface in round-robin order, or null if none. Lock-free. */
    ProviderConnection next(String serviceName) {
        return routing.route(serviceName).next();
    }

    /**
     * Picks a connection for a synchronous call, waiting on a condition up to {@code waitNanos} for one to become
     * READY.
     *
     * @return the connection, or null when none became READY in time
     * @throws ClientClosedException when the client closes meanwhile
     */
    public ProviderConnection chooseConnection(String serviceName, long waitNanos) throws InterruptedException {
        ProviderConnection c = next(serviceName);
        if (c != null) {
            return c;
        }
        readyLock.lock();
        try {
            long nanos = waitNanos;
            while (true) {
                if (closed) {
                    throw new ClientClosedException("client closed while waiting for a provider of " + serviceName);
                }
                c = next(serviceName);
                if (c != null) {
                    return c;
                }
                if (nanos <= 0) {
                    return null;
                }
                nanos = readyChanged.awaitNanos(nanos);
            }
        } finally {
            readyLock.unlock();
        }
    }

    /**
     * Sends a call to the next READY connection, or parks it until one is READY or its provider wait budget
     * ends. Never blocks.
     */
    public void dispatch(RpcCall call) {
        if (closed) {
            call.future().fail(call.clientClosed());
            return;
        }
        ProviderConnection c = next(call.serviceName());
        if (c != null) {
            c.send(call);
            return;
        }
        park(call);
    }

    @Override
    public void redispatch(RpcCall call) {
        if (call.future().isDone()) {
            return;
        }
        if (call.countDispatch() >= MAX_DISPATCHES) {
            call.future().fail(call.connectionLost("its connection closed before it could be sent, "
                    + MAX_DISPATCHES + " times"));
            return;
        }
        dispatch(call);
    }

    private void park(RpcCall call) {
        waiting.add(call);
        try {
            call.waitTimer(group.next().schedule(() -> {
                if (waiting.remove(call)) {
                    call.future().fail(call.noProvider(TimeUnit.NANOSECONDS.toMillis(providerWaitNanos)));
                }
            }, providerWaitNanos, TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException shutDown) {
            if (waiting.remove(call)) {
                call.future().fail(call.clientClosed());
            }
            return;
        }
        if (closed) {
            if (waiting.remove(call)) {
                call.cancelWaitTimer();
                call.future().fail(call.clientClosed());
            }
            return;
        }
        if (next(call.serviceName()) != null) {
            releaseWaiting();
        }
    }

    private void releaseWaiting() {
        for (RpcCall call : waiting) {
            ProviderConnection c = next(call.serviceName());
            if (c != null && waiting.remove(call)) {
                call.cancelWaitTimer();
                c.send(call);
            }
        }
    }

    /** Addresses of the providers with at least one READY connection. */
    public List<String> connectedProviders() {
        return routing.ready.stream().map(ProviderConnection::address).distinct().sorted().toList();
    }

    /**
     * Fails every parked and in-flight call with a client-closed error and closes every connection; waits a
     * bounded time for the connections' event loops to do so.
     */
    @Override
    public void close() {
        List<io.netty.util.concurrent.Future<?>> closing = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (List<ProviderConnection> slots : connections.values()) {
                for (ProviderConnection c : slots) {
                    closing.add(c.shutdownNow(RpcCall::clientClosed));
                }
            }
            connections.clear();
        }
        readyLock.lock();
        try {
            readyChanged.signalAll();
        } finally {
            readyLock.unlock();
        }
        RpcCall call;
        while ((call = waiting.poll()) != null) {
            call.cancelWaitTimer();
            call.future().fail(call.clientClosed());
        }
        for (io.netty.util.concurrent.Future<?> f : closing) {
            f.awaitUninterruptibly(500, TimeUnit.MILLISECONDS);
        }
    }

    /** An immutable routing table: READY connections, and per interface the weighted round-robin ring. */
    private static final class Routing {
        private final List<ProviderConnection> ready;
        private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

        Routing(List<ProviderConnection> ready) {
            this.ready = List.copyOf(ready);
        }

        Route route(String serviceName) {
            Route route = routes.get(serviceName);
            if (route == null) {
                route = routes.computeIfAbsent(serviceName, this::build);
            }
            return route;
        }

        private Route build(String serviceName) {
            List<ProviderConnection> ring = new ArrayList<>();
            for (ProviderConnection c : ready) {
                ProviderNode node = c.node();
                if (node.serves(serviceName)) {
                    for (int i = 0; i < Math.min(node.weight(), 100); i++) {
                        ring.add(c);
                    }
                }
            }
            return new Route(ring.toArray(new ProviderConnection[0]));
        }
    }

    /** The ring of one interface with its round-robin counter. */
    private static final class Route {
        private final ProviderConnection[] ring;
        private final AtomicInteger counter = new AtomicInteger();

        Route(ProviderConnection[] ring) {
            this.ring = ring;
        }

        ProviderConnection next() {
            int n = ring.length;
            if (n == 0) {
                return null;
            }
            return ring[Math.floorMod(counter.getAndIncrement(), n)];
        }
    }
}
