package dev.rpcharness.provider.internal.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.provider.fault.FaultDecider;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network side of a provider, from its start to its close: the I/O threads, the worker pool that runs
 * implementations, the listening socket, the open connections and the call dispatcher. The provider binds and
 * closes the listening socket and acts on the connections as its chaos steps say; between a close of the socket
 * and the next bind the threads keep running.
 *
 * <p>Threading: one caller at a time (the provider serialises its steps). Every wait for the server's own threads
 * is bounded by {@link #WAIT_FOR_IO_NANOS}: only an I/O thread blocked by an implementation (the opt-in to run them
 * there) or an implementation that ignores its interruption makes a step wait that long, and the step then goes
 * on (logged). {@link #close} interrupts implementations still running and returns once every thread has ended
 * (or that bound has passed).
 */
public final class ProviderServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderServer.class);

    /** The longest a step waits for the server's own threads. */
    public static final long WAIT_FOR_IO_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * How the server is built.
     *
     * @param threadPrefix        the start of its threads' names ({@code <prefix>-io-...}, {@code <prefix>-worker-...})
     * @param ioThreads           I/O threads (event loops)
     * @param workerThreads       threads that run implementations
     * @param implementationsOnIoThread whether implementations run on the I/O thread instead (they must not block)
     * @param maxRequestBytes     the largest request body accepted
     */
    public record Settings(String threadPrefix, int ioThreads, int workerThreads, boolean implementationsOnIoThread,
                           int maxRequestBytes) {
    }

    private final Supplier<String> providerName;
    private final ProviderThreads ioThreadFactory;
    private final ProviderThreads workerThreadFactory;
    private final EventLoopGroup group;
    private final ThreadPoolExecutor workers;
    private final CallDispatcher dispatcher;
    private final ConnectionSet connections = new ConnectionSet();
    private final ServerBootstrap bootstrap;
    private Channel listener;

    /** Starts the threads; nothing listens until {@link #bind}. */
    public ProviderServer(Settings settings, ServiceTable services, CallCounters counters, ObjectMapper mapper,
                          FaultDecider decider, ExecutionLog executed, Supplier<String> providerName) {
        this.providerName = providerName;
        this.ioThreadFactory = new ProviderThreads(settings.threadPrefix() + "-io");
        this.workerThreadFactory = new ProviderThreads(settings.threadPrefix() + "-worker");
        // epoll arms a timerfd per deadline (microsecond precision); NIO rounds select timeouts up to 1 ms.
        this.group = new MultiThreadIoEventLoopGroup(settings.ioThreads(), ioThreadFactory,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), workerThreadFactory);
        workers.allowCoreThreadTimeOut(true);
        this.dispatcher = new CallDispatcher(services, counters, mapper, workers,
                settings.implementationsOnIoThread(), providerName, decider, executed);
        this.bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 512)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ServerPipeline(dispatcher, connections, settings.maxRequestBytes()));
    }

    /**
     * Listens on {@code host:port} (0: a free port); returns the bound port.
     *
     * @throws IllegalStateException naming the provider and the address when it cannot be bound
     */
    public int bind(String host, int port) {
        listener = PortBinder.bind(bootstrap, host, port, providerName.get(), WAIT_FOR_IO_NANOS);
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops listening (the open connections stay); waits for the socket's I/O thread a bounded time. */
    public void closeListener() {
        closeListener(System.nanoTime() + WAIT_FOR_IO_NANOS);
    }

    private void closeListener(long deadlineNanos) {
        if (listener == null) {
            return;
        }
        if (!listener.close().awaitUninterruptibly(left(deadlineNanos), TimeUnit.NANOSECONDS)) {
            LOG.warn("{}: the listening socket {} did not close within {} ms (its I/O thread is blocked)",
                    providerName.get(), listener.localAddress(), TimeUnit.NANOSECONDS.toMillis(WAIT_FOR_IO_NANOS));
        }
        listener = null;
    }

    /** Replaces the fault decider; calls decided from now on use it. */
    public void decider(FaultDecider decider) {
        dispatcher.decider(decider);
    }

    /** Dies like a killed process: stops listening, resets every connection (RST); the next connections thaw. */
    public void crash() {
        closeListener();
        connections.resetAll();
        connections.thaw();
    }

    /** Stops accepting, reading and answering; sockets stay open. Returns once every connection is frozen. */
    public void freeze() {
        listener.config().setAutoRead(false);
        connections.freeze();
    }

    /** Resumes a frozen server: held answers go out, reading and accepting resume. */
    public void thaw() {
        listener.config().setAutoRead(true);
        connections.thaw();
    }

    /**
     * Stops gracefully: stops listening, keeps serving the open connections until no call is in flight and none
     * has arrived for {@code quietNanos} (consumers have seen the provider go), then stops reading, answers what
     * was read and closes the connections (FIN); all by {@code drainTimeoutNanos} at the latest.
     */
    public void stop(long quietNanos, long drainTimeoutNanos) {
        closeListener();
        if (connections.isFrozen()) {
            connections.thaw();
        }
        long deadline = System.nanoTime() + drainTimeoutNanos;
        try {
            dispatcher.awaitQuiet(quietNanos, deadline);
            connections.stopReading();
            if (!dispatcher.awaitQuiet(0L, deadline)) {
                LOG.warn("{}: {} calls still in flight after {} ms; closing anyway", providerName.get(),
                        dispatcher.inFlight(), TimeUnit.NANOSECONDS.toMillis(drainTimeoutNanos));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.closeAll();
    }

    /** Connections currently open. */
    public int openConnections() {
        return connections.size();
    }

    /** Calls received whose answer (or fault) is not yet on the wire. */
    public int callsInFlight() {
        return dispatcher.inFlight();
    }

    /** The open connections; for tests of the server. */
    ConnectionSet connections() {
        return connections;
    }

    /**
     * Closes the listening socket and the connections, interrupts implementations still running and ends the
     * threads; returns once they ended, or after {@link #WAIT_FOR_IO_NANOS} at most (logged). Idempotent.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + WAIT_FOR_IO_NANOS;
        closeListener(deadline);
        connections.closeAll();
        workers.shutdownNow(); // nobody waits for the answers of implementations still running
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            if (!(group.awaitTermination(left(deadline), TimeUnit.NANOSECONDS) && ioThreadFactory.awaitEnd(deadline))) {
                LOG.warn("{}: an I/O thread is still busy {} ms after close (an implementation blocks it); left to "
                        + "end by itself", providerName.get(), TimeUnit.NANOSECONDS.toMillis(WAIT_FOR_IO_NANOS));
            }
            if (!(workers.awaitTermination(left(deadline), TimeUnit.NANOSECONDS)
                    && workerThreadFactory.awaitEnd(deadline))) {
                LOG.warn("{}: a worker still runs an implementation {} ms after close, though interrupted; left to "
                        + "end by itself", providerName.get(), TimeUnit.NANOSECONDS.toMillis(WAIT_FOR_IO_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long left(long deadlineNanos) {
        return Math.max(0L, deadlineNanos - System.nanoTime());
    }
}
