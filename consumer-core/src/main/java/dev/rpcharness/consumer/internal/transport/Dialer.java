package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.protocol.ProviderNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the channel of one {@link ProviderConnection}: resolves the provider's host name on the resolver executor
 * (never on the event loop; an IP literal needs none), connects, and after a failure or a lost channel tries again
 * after a doubling, jittered delay between the backoff bounds (reset by a successful connect).
 *
 * <p>Threading: every method on the connection's event loop; name resolution alone runs on the resolver, and its
 * outcome comes back to the event loop. Lifecycle: {@link #cancel()} drops a pending retry; once
 * {@link Owner#stopped()} says so, nothing more is attempted.
 */
final class Dialer {

    private static final Logger log = LoggerFactory.getLogger(Dialer.class);

    /** The connection the dialer opens channels for. Called on its event loop. */
    interface Owner {
        /** Whether the connection was shut down: no more attempts. */
        boolean stopped();

        /** An attempt starts. */
        void connecting();

        /** The channel is open. */
        void connected(Channel channel);

        /** The attempt failed (or the channel was lost); another follows after the backoff. */
        void waitingToRetry();
    }

    private final String address;
    private final EventLoop eventLoop;
    private final Bootstrap bootstrap;
    private final Executor resolver;
    private final Supplier<ProviderNode> node;
    private final Owner owner;
    private final long backoffMinNanos;
    private final long backoffMaxNanos;
    private long backoffNanos;
    private ScheduledFuture<?> retry;
    /** Set by the transport before the first attempt; called on the resolver thread only. */
    volatile NameResolver names = NameResolver.SYSTEM;

    /**
     * @param bootstrap bound to {@code eventLoop}, with the connection's pipeline
     * @param node      the provider's node now (it may change between attempts)
     */
    Dialer(String address, EventLoop eventLoop, Bootstrap bootstrap, Executor resolver, Supplier<ProviderNode> node,
           Owner owner, long backoffMinNanos, long backoffMaxNanos) {
        this.address = address;
        this.eventLoop = eventLoop;
        this.bootstrap = bootstrap;
        this.resolver = resolver;
        this.node = node;
        this.owner = owner;
        this.backoffMinNanos = backoffMinNanos;
        this.backoffMaxNanos = backoffMaxNanos;
        this.backoffNanos = backoffMinNanos;
    }

    /** Starts an attempt now. */
    void connect() {
        if (owner.stopped()) {
            return;
        }
        retry = null;
        owner.connecting();
        ProviderNode target = node.get();
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
        if (owner.stopped()) {
            return;
        }
        bootstrap.connect(remote).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                log.debug("connect to {} failed: {}", address, f.cause().toString());
                retryLater();
                return;
            }
            if (owner.stopped()) {
                f.channel().close();
                return;
            }
            backoffNanos = backoffMinNanos;
            owner.connected(f.channel());
        });
    }

    /** Schedules the next attempt after the backoff, which then doubles up to its bound. */
    void retryLater() {
        if (owner.stopped()) {
            return;
        }
        owner.waitingToRetry();
        long jitter = ThreadLocalRandom.current().nextLong(backoffNanos / 5 + 1);
        retry = eventLoop.schedule(this::connect, backoffNanos + jitter, TimeUnit.NANOSECONDS);
        backoffNanos = Math.min(backoffMaxNanos, backoffNanos * 2);
    }

    /** Drops a scheduled attempt. */
    void cancel() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }
}
