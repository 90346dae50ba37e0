package dev.rpcharness.consumer.internal.balancer;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RoutingEvent;
import dev.rpcharness.consumer.RoutingListener;
import dev.rpcharness.consumer.internal.call.CallHolder;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.transport.ConnectionListener;
import dev.rpcharness.consumer.internal.transport.ConnectivityState;
import dev.rpcharness.consumer.internal.transport.ProviderConnection;
import dev.rpcharness.consumer.internal.transport.Transport;
import dev.rpcharness.protocol.ProviderNode;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing policy of one client (one per client, never shared): takes provider lists from discovery (or the
 * direct list), keeps {@code connectionsPerProvider} connections per listed provider through the {@link Transport},
 * and routes each call round robin (weighted) over the READY connections of providers that serve its interface
 * and are not ejected. The routing table is an immutable {@link Picker} swapped on every routing change; every
 * change also wakes the one {@link WaitQueue} where calls wait for a provider. Outlier detection ejects a provider
 * whose calls keep failing (several in a row, or too large a share within a window) for a growing cool-down, never
 * more than {@code maxEjectionPercent} of the providers at once; its unsent calls move to the providers still in
 * rotation. When the cool-down ends it returns on probation and takes one probe call at a time until an answer
 * clears it (back in full rotation) or a fault ejects it again for longer. Every routing change is a
 * {@link RoutingEvent} to the registered listeners.
 *
 * <p>Threading: all public methods are thread-safe. Provider lists arrive on discovery's thread, connection
 * changes and call ends on the I/O threads; structural changes take this object's lock, picking takes none.
 * Routing listeners are never called under the lock: events queue under it, in order, and reach the listeners on
 * the listener executor, one at a time ({@link RoutingEvents}).
 */
public final class Balancer implements AutoCloseable, ConnectionListener {

    private static final Logger log = LoggerFactory.getLogger(Balancer.class);
    private static final int MAX_DISPATCHES = 3;

    private final Transport transport;
    private final ConsumerOptions options;
    private final EventLoop timers;
    private final WaitQueue waiting;
    private final Ejections ejections;
    private final Map<String, ListedProvider> providers = new LinkedHashMap<>();
    private final Set<String> servesAll = new HashSet<>();
    private final RoutingEvents events;
    private volatile Picker picker = Picker.EMPTY;
    private volatile boolean closed;

    /**
     * @param listenerExecutor where routing listeners are called (the client's callback executor); it may run
     *                         them on the calling thread, which then holds no lock of the balancer
     */
    public Balancer(Transport transport, ConsumerOptions options, Executor listenerExecutor) {
        this.transport = transport;
        this.options = options;
        this.events = new RoutingEvents(listenerExecutor);
        this.timers = transport.timerLoop();
        this.waiting = new WaitQueue(timers, options.providerWaitTimeout().toMillis());
        this.ejections = new Ejections(options);
    }

    /**
     * Registers a listener of routing events: called on the listener executor, one event at a time, in order,
     * never under the balancer's lock.
     */
    public void addListener(RoutingListener listener) {
        events.addListener(listener);
    }

    /** Queues an event for the listeners; delivered by {@link RoutingEvents#deliver()} once the lock is free. */
    private void emit(RoutingEvent.Kind kind, String provider, String detail) {
        RoutingEvent event = new RoutingEvent(kind, provider, detail, System.nanoTime());
        log.info("routing: {} {} {}", event.action(), provider, detail);
        events.publish(event);
    }

    /**
     * Applies a new provider list: connects to new providers, shuts down the delisted ones gracefully.
     *
     * @param servesEveryInterface true for the direct list (addresses serve every interface); false for
     *                             discovery, where a node serves exactly the interfaces it lists
     */
    public void updateProviders(List<ProviderNode> nodes, boolean servesEveryInterface) {
        applyProviders(nodes, servesEveryInterface);
        events.deliver();
    }

    private synchronized void applyProviders(List<ProviderNode> nodes, boolean servesEveryInterface) {
        if (closed) {
            return;
        }
        Map<String, ProviderNode> listed = new HashMap<>();
        for (ProviderNode node : nodes) {
            listed.put(node.address(), node);
        }
        for (var it = providers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ListedProvider> entry = it.next();
            ProviderNode node = listed.get(entry.getKey());
            if (node == null) {
                entry.getValue().connections.forEach(ProviderConnection::shutdownGracefully);
                it.remove();
                servesAll.remove(entry.getKey());
                ejections.forget(entry.getKey());
                emit(RoutingEvent.Kind.DELISTED, entry.getKey(), "closing its connections once their calls end");
            } else if (!node.equals(entry.getValue().node)) {
                entry.getValue().node = node;
                entry.getValue().connections.forEach(c -> c.node(node));
            }
        }
        for (ProviderNode node : nodes) {
            if (!providers.containsKey(node.address())) {
                ListedProvider p = new ListedProvider(node);
                for (int slot = 0; slot < options.connectionsPerProvider(); slot++) {
                    p.connections.add(transport.newConnection(node, slot, this));
                }
                providers.put(node.address(), p);
                if (servesEveryInterface) {
                    servesAll.add(node.address());
                }
                emit(RoutingEvent.Kind.LISTED, node.address(), servesEveryInterface ? "direct"
                        : "serves " + node.services());
                p.connections.forEach(ProviderConnection::start);
            }
        }
        rebuild();
    }

    /** Builds a new picker from the current state and wakes the waiting calls. Caller holds the lock. */
    private void rebuild() {
        providers.forEach((address, p) -> {
            boolean connected = p.anyReady();
            if (connected != p.connected) {
                p.connected = connected;
                emit(connected ? RoutingEvent.Kind.CONNECTED : RoutingEvent.Kind.DISCONNECTED, address, "");
            }
        });
        Picker next = Picker.of(providers, servesAll, 2 * options.callTimeout().toNanos());
        picker = next;
        waiting.wake(next);
    }

    @Override
    public void onStateChange(ProviderConnection connection, ConnectivityState state) {
        synchronized (this) {
            if (!closed) {
                rebuild();
            }
        }
        events.deliver();
    }

    @Override
    public void writabilityChanged(ProviderConnection connection, boolean writable) {
        // The picker reads writability live; nothing to rebuild. A connection that can take writes again may take
        // the unsent calls of those that cannot.
        if (writable) {
            picker.offerBacklogsExcept(connection);
        }
    }

    @Override
    public boolean reroute(ProviderConnection from, RpcCall call) {
        return sendTo(picker.pickWritableOtherThan(call.serviceName(), from), call);
    }

    @Override
    public boolean relocate(ProviderConnection from, RpcCall call) {
        return sendTo(picker.pickAnyOtherThan(call.serviceName(), from), call);
    }

    private static boolean sendTo(ProviderConnection c, RpcCall call) {
        if (c == null) {
            return false;
        }
        c.send(call);
        return true;
    }

    @Override
    public boolean anyOtherWritable(ProviderConnection from) {
        return picker.anyOtherWritable(from);
    }

    @Override
    public void callEnded(ProviderConnection connection, boolean providerFault) {
        OutlierDetector.Verdict verdict = ejections.record(connection.address(), providerFault);
        if (verdict == null) {
            return;
        }
        if (verdict.ejects()) {
            eject(connection.address(), verdict);
        } else if (verdict == OutlierDetector.Verdict.CLEARED) {
            endProbation(connection.address());
        }
        events.deliver();
    }

    private synchronized void endProbation(String address) {
        ListedProvider p = providers.get(address);
        if (closed || p == null || p.probe == null) {
            return;
        }
        p.probe = null;
        log.info("routing: {} answered its probe; back in full rotation", address);
        rebuild();
    }

    private synchronized void eject(String address, OutlierDetector.Verdict verdict) {
        ListedProvider p = providers.get(address);
        if (closed || p == null || p.ejected || !ejections.eject(address, p, providers.values())) {
            return;
        }
        long coolDownNanos = verdict.coolDownNanos();
        long millis = TimeUnit.NANOSECONDS.toMillis(coolDownNanos);
        emit(RoutingEvent.Kind.EJECTED, address, verdict.reason() + "; out for " + millis + " ms");
        rebuild();
        // Its unsent calls were never written: they go to the providers still in rotation.
        p.connections.forEach(ProviderConnection::evacuate);
        try {
            timers.schedule(() -> {
                giveBack(address, p);
                events.deliver();
            }, coolDownNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            // closing
        }
    }

    private synchronized void giveBack(String address, ListedProvider p) {
        if (closed || providers.get(address) != p || !p.ejected) {
            return;
        }
        ejections.giveBack(address, p);
        emit(RoutingEvent.Kind.RETURNED, address, "cool-down over; on probation");
        rebuild();
    }

    /** Sends a call to the next usable connection, or parks it in the wait queue. Never blocks. */
    public void dispatch(RpcCall call) {
        if (closed) {
            call.future().fail(call.clientClosed());
            return;
        }
        ProviderConnection c = picker.pick(call.serviceName());
        if (c != null) {
            c.send(call);
            return;
        }
        waiting.park(call, () -> picker);
    }

    /**
     * Sends an attempt of a call with a policy to a usable provider not in {@code avoid} (never an ejected one);
     * when every usable provider is in {@code avoid}, dispatches it as any call (the same provider again, or the
     * wait for one). Never blocks.
     */
    public void dispatchAvoiding(RpcCall attempt, Collection<String> avoid) {
        ProviderConnection c = closed || avoid.isEmpty() ? null : picker.pickAvoiding(attempt.serviceName(), avoid);
        if (c != null) {
            c.send(attempt);
        } else {
            dispatch(attempt);
        }
    }

    /** Whether a usable provider of {@code serviceName} outside {@code avoid} could take a call now. */
    public boolean anyUsableAvoiding(String serviceName, Collection<String> avoid) {
        return picker.pickAvoiding(serviceName, avoid) != null;
    }

    /** Drops an attempt that ended because its call ended elsewhere: from the wait queue or its connection. */
    public void cancelAttempt(RpcCall attempt) {
        waiting.remove(attempt);
        CallHolder holder = attempt.holder();
        if (holder != null) {
            holder.forget(attempt);
        }
    }

    /**
     * The client's retry budget crossed its line: {@code allowed} false when retries and hedges are refused from
     * now on (a {@link RoutingEvent.Kind#THROTTLED} event), true when allowed again ({@code UNTHROTTLED}). Any
     * thread holding no lock.
     */
    public void retryBudgetChanged(boolean allowed, String detail) {
        emit(allowed ? RoutingEvent.Kind.UNTHROTTLED : RoutingEvent.Kind.THROTTLED, "", detail);
        events.deliver();
    }

    /** The event loop the balancer's timers run on; policy calls schedule their backoffs and hedges there. */
    public EventLoop timers() {
        return timers;
    }

    /** Forgets a call that ended while it waited for a provider (its caller gave up). O(1). */
    public void abandon(RpcCall call) {
        waiting.remove(call);
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

    /** Addresses of the providers with at least one READY connection. */
    public List<String> connectedProviders() {
        List<String> out = new ArrayList<>();
        synchronized (this) {
            providers.forEach((address, p) -> {
                if (p.connected) {
                    out.add(address);
                }
            });
        }
        out.sort(null);
        return out;
    }

    /** Addresses of the providers ejected now. */
    public synchronized List<String> ejectedProviders() {
        return providers.entrySet().stream().filter(e -> e.getValue().ejected).map(Map.Entry::getKey).sorted()
                .toList();
    }

    /** Calls waiting for a provider now. */
    public int waitingCalls() {
        return waiting.size();
    }

    /**
     * Fails every waiting and in-flight call with a client-closed error and closes every connection; waits a
     * bounded time for the connections' event loops to do so.
     */
    @Override
    public void close() {
        List<Future<?>> closing = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            picker = Picker.EMPTY;
            for (ListedProvider p : providers.values()) {
                for (ProviderConnection c : p.connections) {
                    closing.add(c.shutdownNow(RpcCall::clientClosed));
                }
            }
            providers.clear();
        }
        waiting.close();
        for (Future<?> f : closing) {
            f.awaitUninterruptibly(500, TimeUnit.MILLISECONDS);
        }
    }
}
