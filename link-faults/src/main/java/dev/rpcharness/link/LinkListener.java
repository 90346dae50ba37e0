package dev.rpcharness.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A link's listening socket, and the pairing of each accepted connection with a new connection to the upstream.
 * Both channels of a pair share the accepted channel's event loop and start with reading off.
 *
 * <p>Threading: {@link #bind} and {@link #unbind} are called by the link under its lock and wait for the socket;
 * {@link Pairing#paired} runs on the pair's event loop. An upstream that cannot be reached closes the client's
 * connection, as Toxiproxy does.
 */
final class LinkListener {

    /** Told on the pair's event loop once both sides are connected. */
    interface Pairing {
        /** @param index the connection's number in accept order, from 0 */
        void paired(long index, SocketChannel client, Channel server);
    }

    private final String linkName;
    private final EventLoopGroup group;
    private final Duration connectTimeout;
    private final Supplier<InetSocketAddress> upstream;
    private final Pairing pairing;
    private final AtomicLong accepted = new AtomicLong();
    private Channel serverChannel;

    LinkListener(String linkName, EventLoopGroup group, Duration connectTimeout,
                 Supplier<InetSocketAddress> upstream, Pairing pairing) {
        this.linkName = linkName;
        this.group = group;
        this.connectTimeout = connectTimeout;
        this.upstream = upstream;
        this.pairing = pairing;
    }

    /** Listens on {@code address}; returns the bound address (the picked port when it asked for 0). */
    InetSocketAddress bind(InetSocketAddress address) {
        ChannelFuture bound = new ServerBootstrap().group(group).channelFactory(ListeningChannel::new)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        long index = accepted.getAndIncrement();
                        client.eventLoop().execute(() -> connectUpstream(index, client));
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new LinkException("link '" + linkName + "' could not listen on " + address.getHostString() + ":"
                    + address.getPort() + ": " + bound.cause(), bound.cause());
        }
        serverChannel = bound.channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops listening; when it returns, connections to the port are refused. */
    void unbind() {
        ListeningChannel closing = (ListeningChannel) serverChannel;
        serverChannel = null;
        closing.close().awaitUninterruptibly();
        // NIO closes a listening socket registered with a selector only when the selector has flushed its cancelled
        // key; until then the kernel still accepts. Each task wakes the selector for another pass.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            closing.eventLoop().submit(() -> { }).awaitUninterruptibly();
        } while (closing.stillRegistered() && System.nanoTime() < deadline);
        closing.eventLoop().submit(() -> { }).awaitUninterruptibly(); // the pass that deregistered it has ended
    }

    /** A Netty server channel that tells whether NIO still holds its socket for a selector. */
    private static final class ListeningChannel extends NioServerSocketChannel {
        boolean stillRegistered() {
            return javaChannel().isRegistered();
        }
    }

    private void connectUpstream(long index, SocketChannel client) {
        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new ChannelInboundHandlerAdapter()) // the relay is added once both sides are up
                .connect(upstream.get()).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess() || !client.isOpen()) {
                        f.channel().close();
                        client.close();
                        return;
                    }
                    pairing.paired(index, client, f.channel());
                });
    }
}
