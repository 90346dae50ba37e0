package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.internal.call.DeadlineList;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.protocol.ProviderNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persistent connection to one provider, reconnecting with exponential backoff until it is shut down.
 *
 * <p>Threading: {@link #send} may be called from any thread. It puts the call on a lock-free inbox and, if no
 * drain is pending, schedules one on the connection's event loop. The drain moves the inbox into the backlog
 * (linking each call into the connection's {@link DeadlineList}, one timer for all its calls) and writes from the
 * backlog while the channel is writable, flushing once per batch. While the channel is not writable (the provider
 * does not read) calls stay in the backlog: they are written when it becomes writable again, or end at their
 * deadline and are removed (O(1)) without ever being written. Everything else (connect, reconnect, state changes, the pipeline) runs on that one event loop. Host
 * names are resolved on the resolver executor, never on the event loop. {@link #state()} and
 * {@link #isWritable()} may be read from any thread.
 *
 * <p>Lifecycle: {@link #start()} connects; a closed channel leads to {@link ConnectivityState#TRANSIENT_FAILURE}
 * and a reconnect after a doubling, jittered delay; {@link #shutdownGracefully()} (the provider was delisted)
 * stops taking calls and closes once the calls in flight end; {@link #shutdownNow} (the client closes) fails
 * them at once.
 */
public final class ProviderConnection {

    private static final Logger log = LoggerFactory.getLogger(ProviderConnection.class);

    /** What the connection tells its owner (the balancer). Called on the connection's event loop. */
    public interface Listener {
        void onStateChange(ProviderConnection connection, ConnectivityState state);

        /** A call taken here could not be written because the channel went away before it was sent. */
        void redispatch(RpcCall call);

        /** A call written here ended; {@code providerFault}: timeout, protocol error or failed write. */
        void callEnded(ProviderConnection connection, boolean providerFault);

        /** The channel's writability changed. */
        void writabilityChanged(ProviderConnection connection, boolean writable);

        /**
         * The channel is not writable and {@code call} waits in its backlog unsent: may it go elsewhere? Returns
         * true when the call was handed to another, writable connection (it left this one).
         */
        boolean reroute(ProviderConnection from, RpcCall call);

        /**
         * Whether any connection other than {@code from} takes writes now: without one no unsent call can move,
         * and the backlog is not walked at all.
         */
        boolean anyOtherWritable(ProviderConnection from);
    }

    /** Unsent calls offered elsewhere per turn of the event loop while this channel takes no writes. */
    static final int REROUTE_BATCH = 256;

    private final String address;
    private final int slot;
    private final EventLoop eventLoop;
    private final Bootstrap bootstrap;
    private final Listener listener;
    private final Executor resolver;
    private final long backoffMinNanos;
    private final long backoffMaxNanos;
    private final CallQueue queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Runnable rerouteTask = this::rerouteIfNotWritable;
    private final DeadlineList deadlines;
    private volatile ProviderNode node;
    private volatile ConnectivityState state = ConnectivityState.IDLE;
    private volatile boolean writable = true;
    private Channel channel;
    private ConsumerHandler handler;
    private long backoffNanos;
    private ScheduledFuture<?> reconnect;
    /** Set by the transport before {@link #start()}; called on the resolver thread only. */
    volatile NameResolver names = NameResolver.SYSTEM;

    public ProviderConnection(ProviderNode node, int slot, EventLoop eventLoop, Bootstrap template,
                              Listener listener, Executor resolver, ResponseDecoder decoder, int maxResponseBytes,
                              long backoffMinNanos, long backoffMaxNanos, String clientId) {
        this.node = node;
        this.address = node.address();
        this.slot = slot;
        this.eventLoop = eventLoop;
        this.listener = listener;
        this.resolver = resolver;
        this.backoffMinNanos = backoffMinNanos;
        this.backoffMaxNanos = backoffMaxNanos;
        this.backoffNanos = backoffMinNanos;
        this.deadlines = new DeadlineList(eventLoop, this::deadlineReached);
        this.queue = new CallQueue(deadlines);
        this.bootstrap = template.clone(eventLoop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ResponseProgress progress = new ResponseProgress();
                ch.pipeline().addLast("progress", progress);
                ch.pipeline().addLast("http-frames", new ResponseFrameDecoder(maxResponseBytes));
                ch.pipeline().addLast("rpc", new ConsumerHandler(address, clientId, decoder, progress,
                        ProviderConnection.this));
            }
        });
    }

    /** "host:port" of the provider. */
    public String address() {
        return address;
    }

    public ProviderNode node() {
        return node;
    }

    public void node(ProviderNode updated) {
        this.node = updated;
    }

    public ConnectivityState state() {
        return state;
    }

    /** Whether the channel takes writes now (false while the provider does not read). Any thread. */
    public boolean isWritable() {
        return writable;
    }

    public void start() {
        eventLoop.execute(this::connect);
    }

    private void connect() {
        if (state == ConnectivityState.SHUTDOWN) {
            return;
        }
        reconnect = null;
        setState(ConnectivityState.CONNECTING);
        ProviderNode target = node;
        if (NetUtil.isValidIpV4Address(target.host()) || NetUtil.isValidIpV6Address(target.host())) {
            connectTo(new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(target.host()),
                    target.port()));
            return;
        }
        try {
            resolver.execute(() -> {
                InetSocketAddress resolved;
                try {
                    resolved = new InetSocketAddress(names.resolve(target.host()), target.port());
                } catch (UnknownHostException e) {
                    eventLoop.execute(() -> {
                        log.debug("cannot resolve {}: {}", address, e.toString());
                        retryLater();
                    });
                    return;
                }
                eventLoop.execute(() -> connectTo(resolved));
            });
        } catch (RejectedExecutionException closed) {
            log.debug("resolver closed; not connecting to {}", address);
        }
    }

    private void connectTo(InetSocketAddress remote) {
        if (state == ConnectivityState.SHUTDOWN) {
            return;
        }
        ChannelFuture connecting = bootstrap.connect(remote);
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                log.debug("connect to {} failed: {}", address, f.cause().toString());
                retryLater();
                return;
            }
            Channel ch = f.channel();
            if (state == ConnectivityState.SHUTDOWN) {
                ch.close();
                return;
            }
            channel = ch;
            handler = ch.pipeline().get(ConsumerHandler.class);
            backoffNanos = backoffMinNanos;
            writable = ch.isWritable();
            ch.closeFuture().addListener(closed -> onClosed(ch));
            log.debug("connected to {} (slot {})", address, slot);
            setState(ConnectivityState.READY);
            drain();
        });
    }

    private void onClosed(Channel ch) {
        if (channel != ch) {
            return;
        }
        channel = null;
        handler = null;
        writable = true;
        if (state == ConnectivityState.SHUTDOWN) {
            drain();
            return;
        }
        log.info("connection {} to {} closed; reconnecting", slot, address);
        retryLater();
        drain();
    }

    private void retryLater() {
        if (state == ConnectivityState.SHUTDOWN) {
            return;
        }
        setState(ConnectivityState.TRANSIENT_FAILURE);
        long jitter = ThreadLocalRandom.current().nextLong(backoffNanos / 5 + 1);
        reconnect = eventLoop.schedule(this::connect, backoffNanos + jitter, TimeUnit.NANOSECONDS);
        backoffNanos = Math.min(backoffMaxNanos, backoffNanos * 2);
    }

    private void setState(ConnectivityState next) {
        if (state != next) {
            state = next;
            listener.onStateChange(this, next);
        }
    }

    /** Queues a call for writing. Any thread; never blocks. */
    public void send(RpcCall call) {
        queue.offer(call);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                eventLoop.execute(drainTask);
            } catch (RejectedExecutionException shutDown) {
                // The client closed and its event loops are gone: nothing will ever drain this queue.
                for (RpcCall queued : queue.pollInbox()) {
                    queued.future().fail(queued.clientClosed());
                }
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        ConsumerHandler h = handler;
        Channel ch = channel;
        if (h == null || ch == null || !ch.isActive() || state != ConnectivityState.READY) {
            for (RpcCall call : queue.takeAll()) {
                listener.redispatch(call);
            }
            return;
        }
        queue.admit();
        int written = 0;
        RpcCall call;
        while (ch.isWritable() && (call = queue.poll()) != null) {
            h.write(call);
            written++;
        }
        if (written > 0) {
            ch.flush();
        }
        setWritable(ch.isWritable());
        if (!writable) {
            rerouteBacklog();
        }
    }

    /**
     * Offers the unsent calls to other providers while this channel takes no writes; does nothing when no other
     * connection is writable (walking a backlog of thousands at every writability change of a busy single
     * connection cost more than sending them). At most {@link #REROUTE_BATCH} calls per turn of the event loop,
     * then it goes on in a later task: a writable connection has room for about that many before it stops taking
     * writes too, and moving a whole backlog of thousands back and forth between two busy connections at every
     * writability change cost more than it moved. Event loop only.
     */
    private void rerouteBacklog() {
        if (!queue.isEmpty() && listener.anyOtherWritable(this)
                && queue.moveTo(c -> listener.reroute(this, c), REROUTE_BATCH)) {
            try {
                eventLoop.execute(rerouteTask);
            } catch (RejectedExecutionException closed) {
                // the client is closing; the backlog is failed by shutdownNow
            }
        }
    }

    private void rerouteIfNotWritable() {
        if (!writable) {
            rerouteBacklog();
        }
    }

    private void setWritable(boolean now) {
        if (now != writable) {
            writable = now;
            listener.writabilityChanged(this, now);
        }
    }

    /**
     * Another connection became writable: if this one is not, its unsent calls may go there. Any thread.
     */
    public void offerBacklog() {
        try {
            eventLoop.execute(rerouteTask);
        } catch (RejectedExecutionException closed) {
            // the client is closing; the backlog is failed by shutdownNow
        }
    }

    private void deadlineReached(RpcCall call) {
        if (queue.remove(call)) {
            // Never written: the provider did not read fast enough. It is not sent later.
            call.future().fail(call.timedOut(call.callTimeoutMillis()));
            listener.callEnded(this, true);
        } else if (handler != null) {
            handler.deadlineReached(call);
        }
    }

    /** From the handler: a call written here ended. Event loop only. */
    void callEnded(boolean providerFault) {
        listener.callEnded(this, providerFault);
    }

    /** From the handler: the channel's writability changed. Event loop only. */
    void writabilityChanged() {
        Channel ch = channel;
        boolean now = ch != null && ch.isWritable();
        setWritable(now);
        if (now) {
            drain();
        } else {
            rerouteBacklog();
        }
    }

    /** Stops taking calls; closes once the calls in flight have ended. Any thread. */
    public void shutdownGracefully() {
        eventLoop.execute(() -> {
            if (state == ConnectivityState.SHUTDOWN) {
                return;
            }
            cancelReconnect();
            setState(ConnectivityState.SHUTDOWN);
            drain();
            if (handler != null) {
                handler.closeWhenIdle();
            }
        });
    }

    /** Fails every call in flight and queued with the error {@code reason} builds, and closes. Any thread. */
    public Future<?> shutdownNow(Function<RpcCall, RpcException> reason) {
        return eventLoop.submit(() -> {
            cancelReconnect();
            setState(ConnectivityState.SHUTDOWN);
            for (RpcCall c : queue.takeAll()) {
                c.future().fail(reason.apply(c));
            }
            if (handler != null) {
                handler.failAll(reason);
            }
            if (channel != null) {
                channel.close();
            }
        });
    }

    private void cancelReconnect() {
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
    }

    @Override
    public String toString() {
        return "ProviderConnection[" + address + "#" + slot + " " + state + "]";
    }
}
