package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.internal.call.CallHolder;
import dev.rpcharness.consumer.internal.call.DeadlineList;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.protocol.ProviderNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 * deadline and are removed (O(1)) without ever being written, unless {@link BacklogMoves} moves them to another
 * connection (one that takes writes, or any in rotation once this provider is ejected: {@link #evacuate()}).
 * Everything else (connect, reconnect, state changes, the pipeline) runs on that one event loop; the
 * {@link Dialer} opens the channels, resolving host names on the resolver executor, never on the event loop.
 * {@link #state()} and {@link #isWritable()} may be read from any thread.
 *
 * <p>Lifecycle: {@link #start()} connects; a closed channel leads to {@link ConnectivityState#TRANSIENT_FAILURE}
 * and a reconnect after a doubling, jittered delay; {@link #shutdownGracefully()} (the provider was delisted)
 * stops taking calls and closes once the calls in flight end; {@link #shutdownNow} (the client closes) fails
 * them at once.
 */
public final class ProviderConnection implements CallHolder {

    private static final Logger log = LoggerFactory.getLogger(ProviderConnection.class);

    private final String address;
    private final int slot;
    private final EventLoop eventLoop;
    private final ConnectionListener listener;
    private final Dialer dialer;
    private final CallQueue queue;
    private final BacklogMoves moves;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Set once the event loop refused a task: nothing will ever drain this connection's inbox again. */
    private volatile boolean loopGone;
    private final Runnable drainTask = this::drain;
    private final DeadlineList deadlines;
    private volatile ProviderNode node;
    private volatile ConnectivityState state = ConnectivityState.IDLE;
    private volatile boolean writable = true;
    private Channel channel;
    private ConsumerHandler handler;

    public ProviderConnection(ProviderNode node, int slot, EventLoop eventLoop, Bootstrap template,
                              ConnectionListener listener, Executor resolver, ResponseDecoder decoder,
                              int maxResponseBytes,
                              long backoffMinNanos, long backoffMaxNanos, String clientId) {
        this(node, slot, eventLoop, template, listener, resolver, decoder, maxResponseBytes, backoffMinNanos,
                backoffMaxNanos, clientId, null);
    }

    /**
     * @param callbackBatches first handler of each channel's pipeline (the callbacks of a read batch handed over
     *                        together), or null for none
     */
    ProviderConnection(ProviderNode node, int slot, EventLoop eventLoop, Bootstrap template,
                       ConnectionListener listener, Executor resolver, ResponseDecoder decoder, int maxResponseBytes,
                       long backoffMinNanos, long backoffMaxNanos, String clientId,
                       CallbackBatchHandler callbackBatches) {
        this.node = node;
        this.address = node.address();
        this.slot = slot;
        this.eventLoop = eventLoop;
        this.listener = listener;
        this.deadlines = new DeadlineList(eventLoop, this::deadlineReached);
        this.queue = new CallQueue(deadlines);
        this.moves = new BacklogMoves(this, queue, listener, eventLoop);
        Bootstrap bootstrap = template.clone(eventLoop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (callbackBatches != null) {
                    ch.pipeline().addLast("callback-batches", callbackBatches);
                }
                ResponseProgress progress = new ResponseProgress();
                ch.pipeline().addLast("progress", progress);
                ch.pipeline().addLast("http-frames", new ResponseFrameDecoder(maxResponseBytes));
                ch.pipeline().addLast("rpc", new ConsumerHandler(address, clientId, decoder, progress,
                        ProviderConnection.this));
            }
        });
        this.dialer = new Dialer(address, eventLoop, bootstrap, resolver, () -> this.node, new DialerEvents(),
                backoffMinNanos, backoffMaxNanos);
    }

    /** Sets the name resolver; before {@link #start()}. */
    void nameResolver(NameResolver names) {
        dialer.names = names;
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
        eventLoop.execute(dialer::connect);
    }

    /** What the dialer reports: the state follows it, and a new channel is taken into use. Event loop only. */
    private final class DialerEvents implements Dialer.Owner {
        @Override
        public boolean stopped() {
            return state == ConnectivityState.SHUTDOWN;
        }

        @Override
        public void connecting() {
            setState(ConnectivityState.CONNECTING);
        }

        @Override
        public void connected(Channel ch) {
            channel = ch;
            handler = ch.pipeline().get(ConsumerHandler.class);
            writable = ch.isWritable();
            ch.closeFuture().addListener(closed -> onClosed(ch));
            log.debug("connected to {} (slot {})", address, slot);
            setState(ConnectivityState.READY);
            drain();
        }

        @Override
        public void waitingToRetry() {
            setState(ConnectivityState.TRANSIENT_FAILURE);
        }
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
        dialer.retryLater();
        drain();
    }

    private void setState(ConnectivityState next) {
        if (state != next) {
            state = next;
            listener.onStateChange(this, next);
        }
    }

    /**
     * Queues a call for writing. Any thread; never blocks. Once the event loop has refused a drain (the client
     * closed and its I/O threads are gone) every call sent here ends at once with a client-closed error: the
     * refused drain leaves {@code drainScheduled} set, so no later send would schedule one.
     */
    public void send(RpcCall call) {
        if (call.attempt() != 0) {
            call.heldBy(this);
        }
        queue.offer(call);
        if (loopGone) {
            // Left in the inbox, which nothing reads any more: only the sender below ever polls it.
            call.future().fail(call.clientClosed());
            return;
        }
        // A plain read first: while a drain is pending (most sends under load) no compare-and-set is tried. The
        // drain clears the flag before it polls, so a send that reads it set has its call polled by that drain.
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            try {
                eventLoop.execute(drainTask);
            } catch (RejectedExecutionException shutDown) {
                // One sender at most gets here (the refused drain leaves the flag set), so the inbox keeps one
                // consumer. The flag is set before the inbox is emptied: a sender that read it unset had offered
                // its call before this poll, so its call is failed here.
                loopGone = true;
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
        // One clock reading for the batch: the calls it takes start their deadlines, and those it writes count
        // their budgets, from the same moment, microseconds apart at most.
        long now = System.nanoTime();
        queue.admit(now);
        int written = 0;
        RpcCall call;
        while (ch.isWritable() && (call = queue.poll()) != null) {
            h.write(call, now);
            written++;
        }
        if (written > 0) {
            h.flush(); // one promise for the batch
        }
        setWritable(ch.isWritable());
        if (!writable) {
            moves.rerouteNow();
        }
    }

    private void setWritable(boolean now) {
        if (now != writable) {
            writable = now;
            listener.writabilityChanged(this, now);
        }
    }

    /** Another connection became writable: if this one is not, its unsent calls may go there. Any thread. */
    public void offerBacklog() {
        moves.scheduleReroute();
    }

    /**
     * The provider was taken out of rotation: the calls taken here and never written move to usable connections
     * ({@link ConnectionListener#relocate}), a bounded batch per turn of the event loop. Always safe, as they were
     * never written; calls already written stay and end here. Any thread.
     */
    public void evacuate() {
        moves.scheduleEvacuation();
    }

    /**
     * Drops an attempt whose call ended elsewhere: unsent, it leaves the backlog; written, the pending map and the
     * deadline timer, so its late answer is dropped. Neither counts for outlier detection. Any thread.
     */
    @Override
    public void forget(RpcCall attempt) {
        try {
            eventLoop.execute(() -> {
                if (queue.remove(attempt)) {
                    attempt.cancelDeadline();
                } else if (handler != null) {
                    handler.forget(attempt);
                }
            });
        } catch (RejectedExecutionException closing) {
            // the client closes: everything here ends anyway
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
            moves.rerouteNow();
        }
    }

    /** Stops taking calls; closes once the calls in flight have ended. Any thread. */
    public void shutdownGracefully() {
        eventLoop.execute(() -> {
            if (state == ConnectivityState.SHUTDOWN) {
                return;
            }
            dialer.cancel();
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
            dialer.cancel();
            setState(ConnectivityState.SHUTDOWN);
            List<RpcCall> queued = queue.takeAll();
            for (int i = 0; i < queued.size(); i++) {
                RpcCall c = queued.set(i, null); // let each go once failed
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

    @Override
    public String toString() {
        return "ProviderConnection[" + address + "#" + slot + " " + state + "]";
    }
}
