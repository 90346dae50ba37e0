package dev.rpcharness.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.consumer.internal.balancer.Balancer;
import dev.rpcharness.consumer.internal.call.CallLimits;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.callback.CallbackExecutor;
import dev.rpcharness.consumer.internal.policy.PolicyCall;
import dev.rpcharness.consumer.internal.policy.RetryThrottle;
import dev.rpcharness.consumer.policy.RetryBudgetState;
import dev.rpcharness.consumer.internal.codec.DeclaredTypesOnly;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.consumer.internal.proxy.ArgumentEncoder;
import dev.rpcharness.consumer.internal.proxy.CallInvoker;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ObjectProxy;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.consumer.internal.transport.Transport;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RPC consumer: calls the methods of service interfaces on remote providers over HTTP/1.1 (docs/wire-contract.md).
 *
 * <p>Providers come either from fixed addresses ({@code "host:port"}, several comma separated; each is taken to
 * serve every interface and is reconnected forever) or from a {@link ServiceDiscovery} watching ZooKeeper, which
 * the client then owns and closes. {@link #create} gives a synchronous proxy, {@link #createAsync} an
 * {@link AsyncObjectProxy} whose calls return an {@link RpcFuture} at once.
 *
 * <p>Every call ends exactly once, with its result or an {@link RpcException}: at the latest when the call
 * timeout passes after it was handed to a connection, at once when its connection is lost, and at once when the
 * client closes. At most {@link ConsumerOptions#maxCallsInFlight()} calls run at once; past it a call fails at
 * once with {@link OverloadException}. A synchronous call's exception is thrown on the caller's thread, with the
 * I/O side's exception as its cause.
 *
 * <p>Inside: discovery (or the direct list) reports provider lists to the balancer
 * ({@code consumer.internal.balancer}: routing, the wait-for-ready queue, outlier ejection), which keeps connections
 * through the transport ({@code consumer.internal.transport}: connections, writability, the pending map); each call
 * ({@code consumer.internal.call}) owns its budgets and its one ending. {@link #addRoutingListener} reports every routing
 * change.
 *
 * <p>Threading: thread-safe; proxies may be shared by any number of threads. The client owns its Netty I/O
 * threads, its callback threads (unless a callback executor was given) and its ZooKeeper session, and
 * {@link #close()} stops them all. Many clients may live side by side in one JVM; none shares state with another.
 */
public final class ConsumerClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerClient.class);

    private final ConsumerOptions options;
    private final ServiceDiscovery discovery;
    private final String description;
    /** Results are decoded into their declared types only: a provider cannot name classes to load. */
    private final ObjectMapper mapper = DeclaredTypesOnly.applyTo(RpcJson.newMapper());
    private final ArgumentEncoder argumentEncoder = new ArgumentEncoder(mapper);
    private final Transport transport;
    private final CallbackExecutor callbacks;
    private final Balancer balancer;
    private final Map<Class<?>, ServiceMethods> services = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Runnable callEnded = inFlight::decrementAndGet;
    private final CallInvoker invoker = new Invoker();
    private final CallHistory history;
    private final String clientId;
    private final AtomicLong callSeq = new AtomicLong();
    private final BrokenCallSwitch broken;
    private final Consumer<List<ProviderNode>> providerListener;
    private final RetryThrottle retryBudget;
    /** Policy calls not yet ended; closing the client ends them (one waiting for a backoff has no other way). */
    private final java.util.Set<PolicyCall> policyCalls = ConcurrentHashMap.newKeySet();
    /** Methods whose policy the history was told (once each). */
    private final java.util.Set<String> recordedPolicies = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** The options' budgets in nanoseconds, one instance every plain call shares. */
    private final CallLimits callLimits;

    /** A client of the providers at {@code serverAddress}: "host:port", or several comma separated. */
    public ConsumerClient(String serverAddress) {
        this(serverAddress, ConsumerOptions.defaults());
    }

    /** A client of the providers at {@code serverAddress}: "host:port", or several comma separated. */
    public ConsumerClient(String serverAddress, ConsumerOptions options) {
        this(null, parseAddresses(serverAddress), options, "direct " + serverAddress);
    }

    /** A client of the providers {@code discovery} finds; the client owns the discovery and closes it. */
    public ConsumerClient(ServiceDiscovery discovery) {
        this(discovery, ConsumerOptions.defaults());
    }

    /** A client of the providers {@code discovery} finds; the client owns the discovery and closes it. */
    public ConsumerClient(ServiceDiscovery discovery, ConsumerOptions options) {
        this(Objects.requireNonNull(discovery, "discovery"), null, options, discovery.toString());
    }

    private ConsumerClient(ServiceDiscovery discovery, List<ProviderNode> direct, ConsumerOptions options,
                           String description) {
        this.options = Objects.requireNonNull(options, "options");
        this.callLimits = new CallLimits(options.providerWaitTimeout().toNanos(), options.callTimeout().toNanos());
        this.history = options.callHistory();
        this.broken = BrokenCallSwitch.fromSystemProperty();
        this.discovery = discovery;
        String id = Integer.toHexString(System.identityHashCode(this));
        this.description = "ConsumerClient@" + id + "[" + description + "]";
        this.clientId = options.clientId() != null ? options.clientId()
                : String.format("%016x", ThreadLocalRandom.current().nextLong());
        history.client(clientId);
        history.retryBudget(options.retryBudget().maxTokens(), options.retryBudget().tokenRatio());
        // Owned callback threads start as needed: one drainer and one watcher, more only while callbacks block.
        this.callbacks = new CallbackExecutor(options.callbackExecutor(),
                Math.max(4, Runtime.getRuntime().availableProcessors()), "rpc-callback-" + id);
        this.transport = new Transport(id, clientId, options.ioThreads(), options.connectTimeout(),
                options.maxResponseBytes(), options.reconnectBackoffMin(), options.reconnectBackoffMax(),
                new ResponseDecoder(mapper), callbacks);
        this.balancer = new Balancer(transport, options, callbacks);
        this.retryBudget = new RetryThrottle(options.retryBudget(), (allowed, tokens, max) ->
                balancer.retryBudgetChanged(allowed, String.format(java.util.Locale.ROOT,
                        "retry budget %s: %.1f of %d tokens", allowed ? "refilled" : "spent", tokens, max)));
        if (discovery != null) {
            this.providerListener = nodes -> balancer.updateProviders(nodes, false);
            discovery.addListener(providerListener);
        } else {
            this.providerListener = null;
            balancer.updateProviders(direct, true);
        }
        log.debug("{} started with {}", this.description, options);
    }

    private static List<ProviderNode> parseAddresses(String serverAddress) {
        if (serverAddress == null || serverAddress.isBlank()) {
            throw new IllegalArgumentException("server address is empty; expected \"host:port[,host:port...]\"");
        }
        List<ProviderNode> nodes = new ArrayList<>();
        for (String part : serverAddress.split(",")) {
            String address = part.trim();
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new IllegalArgumentException("server address '" + address + "' in '" + serverAddress
                        + "' is not host:port");
            }
            String host = address.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("server address '" + address + "' has no numeric port");
            }
            try {
                nodes.add(ProviderNode.ofAddress(host, port));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("server address '" + address + "': " + e.getMessage());
            }
        }
        return nodes;
    }

    /** A synchronous proxy of the interface: each method call blocks until the remote call ends. */
    public <T> T create(Class<T> serviceInterface) {
        return new ObjectProxy(methodsOf(serviceInterface), invoker, description).newProxy(serviceInterface);
    }

    /** An asynchronous proxy of the interface: {@link AsyncObjectProxy#call} returns at once. */
    public <T> AsyncObjectProxy createAsync(Class<T> serviceInterface) {
        return new ObjectProxy(methodsOf(serviceInterface), invoker, description);
    }

    private ServiceMethods methodsOf(Class<?> serviceInterface) {
        Objects.requireNonNull(serviceInterface, "serviceInterface");
        if (closed) {
            throw new ClientClosedException(description + " is closed");
        }
        return services.computeIfAbsent(serviceInterface, type -> new ServiceMethods(type, mapper,
                options::policyFor));
    }

    /** Calls started and not yet ended (waiting for a provider or in flight). */
    public int pendingCalls() {
        return inFlight.get();
    }

    /** The options this client was built with. */
    public ConsumerOptions options() {
        return options;
    }

    /**
     * The id this client sends on every request ({@code X-Rpc-Client-Id}): {@link ConsumerOptions#clientId()} when
     * set, else 16 random hex digits drawn when the client was built.
     */
    public String clientId() {
        return clientId;
    }

    /**
     * The state of this client's retry budget now ({@link ConsumerOptions#retryBudget()}, docs/call-policies.md):
     * tokens left, whether retries and hedges are allowed, how many were allowed and refused. Crossing the line is
     * also a {@link RoutingEvent.Kind#THROTTLED} or {@link RoutingEvent.Kind#UNTHROTTLED} routing event.
     */
    public RetryBudgetState retryBudget() {
        return retryBudget.state();
    }

    /** Addresses of the providers this client currently has a ready connection to. */
    public List<String> connectedProviders() {
        return balancer.connectedProviders();
    }

    /** Addresses of the providers outlier detection has taken out of rotation now. */
    public List<String> ejectedProviders() {
        return balancer.ejectedProviders();
    }

    /**
     * Registers a listener of this client's routing changes (listed, connected, ejected, returned, ...). Events
     * from before the registration are not replayed. Returns this client.
     */
    public ConsumerClient addRoutingListener(RoutingListener listener) {
        balancer.addListener(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Fails every call still running with {@link ClientClosedException}, closes connections and the ZooKeeper
     * session, and stops every thread the client started. Returns promptly; idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (discovery != null) {
            discovery.removeListener(providerListener);
        }
        balancer.close();
        for (PolicyCall call : policyCalls) {
            call.clientClosed();
        }
        if (discovery != null) {
            discovery.close();
        }
        transport.close();
        callbacks.close();
        log.debug("{} closed", description);
    }

    @Override
    public String toString() {
        return description;
    }

    /** Starts and waits for calls on behalf of the proxies. */
    private final class Invoker implements CallInvoker {

        /**
         * A new call counted in flight, or an exception when the client is closed or at its bound; for an
         * {@code async} call the overload exception has no stack trace (it fails a future, not a thread).
         */
        private RpcCall newCall(MethodMetadata method, Object[] args, boolean async) {
            if (closed) {
                throw new ClientClosedException(method.label() + ": " + description + " is closed");
            }
            byte[] arguments = argumentEncoder.encode(method, args);
            int running = inFlight.incrementAndGet();
            if (running > options.maxCallsInFlight()) {
                inFlight.decrementAndGet();
                String message = method.label() + ": " + description + " already has "
                        + options.maxCallsInFlight() + " calls in flight (maxCallsInFlight); failed at once";
                OverloadException overload = async
                        ? OverloadException.withoutStackTrace(message, options.maxCallsInFlight())
                        : new OverloadException(message, options.maxCallsInFlight());
                if (history != CallHistory.NONE) {
                    long now = System.nanoTime();
                    long seq = callSeq.incrementAndGet();
                    history.started(seq, method.label(), now);
                    history.ended(seq, now, overload);
                }
                throw overload;
            }
            long start = System.nanoTime();
            if (history == CallHistory.NONE) {
                return new RpcCall(method, arguments, new RpcFuture(callbacks, start, callEnded), callLimits);
            }
            long seq = callSeq.incrementAndGet();
            history.started(seq, method.label(), start);
            RpcFuture future = broken.matches(seq)
                    ? broken.future(callbacks, start, callEnded, history, seq)
                    : new RpcFuture(callbacks, start, callEnded, (end, failure) -> history.ended(seq, end, failure));
            RpcCall call = new RpcCall(method, arguments, future, callLimits);
            call.recordIn(history, seq);
            return call;
        }

        /** A one-attempt call goes straight to the balancer (no allocation added); others make a policy call. */
        private void send(RpcCall call) {
            if (call.method().policy().singleAttempt()) {
                balancer.dispatch(call);
            } else {
                if (history != CallHistory.NONE && recordedPolicies.add(call.method().label())) {
                    var policy = call.method().policy();
                    history.policy(call.method().label(), policy.maxAttempts(), policy.idempotent(),
                            policy.hedgeDelay() != null);
                }
                new PolicyCall(call, balancer, retryBudget, policyCalls, broken.retriesNonIdempotent()).start();
            }
        }

        @Override
        public RpcFuture callAsync(MethodMetadata method, Object[] args) {
            RpcCall call;
            try {
                call = newCall(method, args, true);
            } catch (RpcException e) {
                RpcFuture failed = new RpcFuture(callbacks, System.nanoTime());
                failed.fail(e);
                return failed;
            }
            send(call);
            return call.future();
        }

        @Override
        public Object callSync(MethodMetadata method, Object[] args) {
            RpcCall call = newCall(method, args, false);
            send(call);
            try {
                return call.future().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RpcException rpc) {
                    throw rpc.onCallerThread();
                }
                throw new RpcException(method.label() + " failed: " + cause, cause);
            } catch (CancellationException e) {
                throw new RpcException(method.label() + ": cancelled", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                RpcException interrupted = new RpcException(method.label()
                        + ": interrupted while waiting for the result after " + call.elapsedMillis() + " ms", e);
                call.future().fail(interrupted);
                balancer.abandon(call);
                throw interrupted;
            }
        }
    }
}
