package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.internal.callback.CallbackExecutor;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.protocol.ProviderNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The transport of one client: its Netty I/O threads, the connection template (TCP options, write-buffer water
 * marks that define writability) and the thread that resolves host names off the event loops. Makes
 * {@link ProviderConnection}s; the balancer decides which exist and which take calls.
 *
 * <p>Threading: thread-safe. Lifecycle: made with the client; {@link #close()} stops the I/O threads (after the
 * connections were shut down) and the resolver thread.
 */
public final class Transport implements AutoCloseable {

    private final MultiThreadIoEventLoopGroup group;
    private final Bootstrap bootstrap;
    private final ResponseDecoder decoder;
    private final ExecutorService resolver;
    private final int maxResponseBytes;
    private final long backoffMinNanos;
    private final long backoffMaxNanos;
    private final String clientId;
    private final CallbackBatchHandler callbackBatches;
    private volatile NameResolver names = NameResolver.SYSTEM;

    /**
     * @param id       name part of the threads, unique per client
     * @param clientId  the client's id, sent on every request of every connection
     * @param callbacks the client's callback executor: the callbacks of a read batch are handed to it together;
     *                  null to hand each over alone
     */
    public Transport(String id, String clientId, int ioThreads, Duration connectTimeout, int maxResponseBytes,
                     Duration backoffMin, Duration backoffMax, ResponseDecoder decoder, CallbackExecutor callbacks) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends SocketChannel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("rpc-io-" + id, true), io);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("rpc-resolver-" + id, true));
        pool.allowCoreThreadTimeOut(true);
        this.resolver = pool;
        this.decoder = decoder;
        this.maxResponseBytes = maxResponseBytes;
        this.backoffMinNanos = backoffMin.toNanos();
        this.backoffMaxNanos = backoffMax.toNanos();
        this.clientId = clientId;
        this.callbackBatches = callbacks == null ? null : new CallbackBatchHandler(callbacks);
    }

    /** A new connection to {@code node} (not started) reporting to {@code listener}. */
    public ProviderConnection newConnection(ProviderNode node, int slot, ConnectionListener listener) {
        ProviderConnection c = new ProviderConnection(node, slot, group.next(), bootstrap, listener, resolver,
                decoder, maxResponseBytes, backoffMinNanos, backoffMaxNanos, clientId, callbackBatches);
        c.nameResolver(names);
        return c;
    }

    /** Replaces the system's name resolver for connections made from now on (tests: a slow one). */
    void nameResolver(NameResolver value) {
        this.names = value;
    }

    /** An event loop for timers that belong to no connection (wait budgets, ejection cool-downs). */
    public EventLoop timerLoop() {
        return group.next();
    }

    /** Stops the I/O threads and the resolver, waiting about a second at most. Idempotent. */
    @Override
    public void close() {
        resolver.shutdownNow();
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
        group.terminationFuture().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
}
