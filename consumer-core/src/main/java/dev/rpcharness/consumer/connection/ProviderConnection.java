package dev.rpcharness.consumer.connection;

import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.codec.ResponseDecoder;
import dev.rpcharness.protocol.ProviderNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
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
 * <p>Threading: {@link #send} may be called from any thread. It puts the call on a lock-free queue and, if no
 * drain is pending, schedules one on the connection's event loop; the drain writes every queued call and flushes
 * once, so a burst of calls costs one flush. Everything else (connect, reconnect, state changes, the pipeline)
 * runs on that one event loop. {@link #state()} may be read from any thread.
 *
 * <p>Lifecycle: {@link #start()} connects; a closed channel leads to {@link ConnectivityState#TRANSIENT_FAILURE}
 * and a reconnect after a doubling, jittered delay; {@link #shutdownGracefully()} (the provider was delisted)
 * stops taking calls and closes once the calls in flight end; {@link #shutdownNow} (the client closes) fails
 * them at once.
 */
public final class ProviderConnection {

    private static final Logger log = LoggerFactory.getLogger(ProviderConnection.class);

    /** What the connection tells its manager. Called on the event loop. */
    interface Listener {
        void onStateChange(ProviderConnection connection, ConnectivityState state);

        /** A call queued here could not be written because the channel went away before it was sent. */
        void redispatch(RpcCall call);
    }

    private final String address;
    private final int slot;
    private final EventLoop eventLoop;
    private final Bootstrap bootstrap;
    private final Listener listener;
    private final long backoffMinNanos;
    private final long backoffMaxNanos;
    private final Queue<RpcCall> outbound = PlatformDependent.newMpscQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile ProviderNode node;
    private volatile ConnectivityState state = ConnectivityState.IDLE;
    private Channel channel;
    private ConsumerHandler handler;
    private long backoffNanos;
    private ScheduledFuture<?> reconnect;

    ProviderConnection(ProviderNode node, int slot, EventLoop eventLoop, Bootstrap template, Listener listener,
                       ResponseDecoder decoder, long callTimeoutNanos, int maxResponseBytes, long backoffMinNanos,
                       long backoffMaxNanos) {
        this.node = node;
        this.address = node.address();
        this.slot = slot;
        this.eventLoop = eventLoop;
        this.listener = listener;
        this.backoffMinNanos = backoffMinNanos;
        this.backoffMaxNanos = backoffMaxNanos;
        this.backoffNanos = backoffMinNanos;
        this.bootstrap = template.clone(eventLoop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ResponseProgress progress = new ResponseProgress();
                ch.pipeline().addLast("progress", progress);
                ch.pipeline().addLast("http-decoder", new HttpResponseDecoder());
                ch.pipeline().addLast("http-encoder", new HttpRequestEncoder());
                ch.pipeline().addLast("aggregator", new HttpObjectAggregator(maxResponseBytes));
                ch.pipeline().addLast("rpc", new ConsumerHandler(address, decoder, callTimeoutNanos, progress));
            }
        });
    }

    /** "host:port" of the provider. */
    public String address() {
        return address;
    }

    ProviderNode node() {
        return node;
    }

    void node(ProviderNode updated) {
        this.node = updated;
    }

    ConnectivityState state() {
        return state;
    }

    void start() {
        eventLoop.execute(this::connect);
    }

    private void connect() {
        if (state == ConnectivityState.SHUTDOWN) {
            return;
        }
        reconnect = null;
        setState(ConnectivityState.CONNECTING);
        ChannelFuture connecting = bootstrap.connect(node.host(), node.port());
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
        outbound.offer(call);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                eventLoop.execute(drainTask);
            } catch (RejectedExecutionException shutDown) {
                // The client closed and its event loops are gone: nothing will ever drain this queue.
                RpcCall queued;
                while ((queued = outbound.poll()) != null) {
                    queued.future().fail(queued.clientClosed());
                }
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        ConsumerHandler h = handler;
        Channel ch = channel;
        RpcCall call;
        if (h == null || ch == null || !ch.isActive() || state != ConnectivityState.READY) {
            while ((call = outbound.poll()) != null) {
                listener.redispatch(call);
            }
            return;
        }
        int written = 0;
        while ((call = outbound.poll()) != null) {
            h.write(call);
            written++;
        }
        if (written > 0) {
            ch.flush();
        }
    }

    /** Stops taking calls; closes once the calls in flight have ended. Any thread. */
    void shutdownGracefully() {
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
    Future<?> shutdownNow(Function<RpcCall, RpcException> reason) {
        return eventLoop.submit(() -> {
            cancelReconnect();
            setState(ConnectivityState.SHUTDOWN);
            RpcCall call;
            while ((call = outbound.poll()) != null) {
                call.future().fail(reason.apply(call));
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
