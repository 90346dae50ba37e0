package dev.rpcharness.provider.internal.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: the last handler of its pipeline ({@link ServerPipeline}), it hands each request to its
 * {@link CallIntake}, and it owns the connection's outbound queue, which holds answers while the provider is frozen
 * or a slow-drip answer is on the wire (so answers never interleave). Answers go out as raw bytes, written from
 * the context {@link ServerPipeline#rawWrites} names.
 *
 * <p>Threading: every method runs on the connection's event loop, except {@link #at}, {@link #freeze},
 * {@link #thaw} and {@link #stopReading}, which hop onto it (the last three return a future of their effect), and
 * {@link #reset} and {@link #closeGracefully}, which any thread may call.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    private final CallDispatcher dispatcher;
    private final ConnectionSet connections;
    private final CallIntake intake;
    private final ArrayDeque<PendingWrite> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ChannelHandlerContext rawCtx;
    /** Where an answer's head is put together before it is copied into its buffer; on the event loop only. */
    private final byte[] answerScratch = WireAnswer.newScratch();
    private boolean frozen;
    private boolean busy;

    ServerConnection(CallDispatcher dispatcher, ConnectionSet connections) {
        this.dispatcher = dispatcher;
        this.connections = connections;
        this.intake = new CallIntake(dispatcher, this);
    }

    Channel channel() {
        return ctx.channel();
    }

    /** The caller's port on this connection; 0 when unknown. */
    int remotePort() {
        return ctx != null && ctx.channel().remoteAddress() instanceof InetSocketAddress remote ? remote.getPort() : 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.rawCtx = ServerPipeline.rawWrites(ctx.pipeline());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        connections.added(this);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        connections.removed(this);
        PendingWrite w;
        while ((w = held.poll()) != null) {
            w.drop();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{} connection {} failed: {}", dispatcher.providerName(), ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof CallRequest call) {
            try {
                intake.accept(call);
            } finally {
                call.body().release();
            }
        } else if (msg instanceof FullHttpRequest req) {
            try {
                intake.accept(req);
            } finally {
                req.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Answers a request that is not a call, in turn with the connection's other answers. */
    void answerInTurn(WireAnswer answer) {
        submit(new PendingWrite() {
            @Override
            public void write(ServerConnection connection) {
                connection.writeNow(answer);
            }

            @Override
            public void drop() {
                // not a call: nothing to account for
            }
        });
    }

    /**
     * Runs {@code write} on this connection's event loop once {@code delayNanos} have passed since
     * {@code fromNanos} (a {@link System#nanoTime} value), in turn with the other answers of the connection. Without
     * a delay, on the event loop, it runs at once without reading the clock.
     */
    void after(long fromNanos, long delayNanos, PendingWrite write) {
        Channel ch = ctx.channel();
        long wait = delayNanos <= 0 ? 0L : fromNanos + delayNanos - System.nanoTime();
        if (wait <= 0 && ch.eventLoop().inEventLoop()) {
            submit(write);
            return;
        }
        try {
            if (wait > 0) {
                ch.eventLoop().schedule(() -> submit(write), wait, TimeUnit.NANOSECONDS);
            } else {
                ch.eventLoop().execute(() -> submit(write));
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            write.drop();
        }
    }

    private void submit(PendingWrite write) {
        if (!ctx.channel().isActive()) {
            write.drop();
        } else if (frozen || busy || !held.isEmpty()) {
            held.add(write);
        } else {
            write.write(this);
        }
    }

    private void flushHeld() {
        PendingWrite w;
        while (!frozen && !busy && (w = held.poll()) != null) {
            if (ctx.channel().isActive()) {
                w.write(this);
            } else {
                w.drop();
            }
        }
    }

    /** Marks a multi-step answer (slow drip) in progress: later answers wait until {@link #endBusy}. */
    void beginBusy() {
        busy = true;
    }

    void endBusy() {
        busy = false;
        flushHeld();
    }

    /**
     * Stops reading and holds answers; from any thread. The returned future completes once it took effect on the
     * event loop (at once when called there).
     */
    Future<?> freeze() {
        return onEventLoop(() -> {
            frozen = true;
            ctx.channel().config().setAutoRead(false);
        });
    }

    /** Resumes reading and writes the held answers; from any thread. Completes once it took effect. */
    Future<?> thaw() {
        return onEventLoop(() -> {
            frozen = false;
            ctx.channel().config().setAutoRead(true);
            flushHeld();
        });
    }

    /** Stops reading new calls; answers still go out. From any thread. Completes once it took effect. */
    Future<?> stopReading() {
        return onEventLoop(() -> ctx.channel().config().setAutoRead(false));
    }

    /** Whether requests are still read by the fast path ({@link CallRequestDecoder}); a snapshot. For tests. */
    boolean onFastPath() {
        return ServerPipeline.onFastPath(ctx.pipeline());
    }

    /** Whether the connection reads (not frozen, not stopped); on any thread, a snapshot. */
    boolean isReading() {
        return ctx.channel().config().isAutoRead();
    }

    /** Whether answers are held; meant for the event loop (a snapshot elsewhere). */
    boolean isFrozen() {
        return frozen;
    }

    private Future<?> onEventLoop(Runnable step) {
        EventExecutor loop = ctx.executor();
        if (loop.inEventLoop()) {
            step.run();
            return loop.newSucceededFuture(null);
        }
        try {
            return loop.submit(step);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The loop is shutting down with the provider: the connection is closing, nothing left to change.
            return loop.newSucceededFuture(null);
        }
    }

    /** Sets the frozen state of a connection accepted while the provider is frozen; on the event loop. */
    void startFrozen() {
        frozen = true;
        ctx.channel().config().setAutoRead(false);
    }

    /** Writes raw bytes, bypassing the HTTP encoder. */
    void writeRaw(byte[] bytes) {
        rawCtx.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    /** Writes raw bytes, then closes the connection (FIN) once they are out. */
    void writeRawAndClose(byte[] bytes) {
        rawCtx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE);
    }

    void writeNow(WireAnswer answer) {
        writeRaw(answer.bytes());
    }

    /** Writes an answer built straight into a pooled buffer; closes the connection after it when asked. */
    void writeAnswer(int status, String requestId, String contentType, byte[] body, boolean close) {
        ByteBuf buf = WireAnswer.encode(rawCtx.alloc(), status, requestId, contentType, body, close, answerScratch);
        if (close) {
            rawCtx.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
        } else {
            rawCtx.writeAndFlush(buf, rawCtx.voidPromise());
        }
    }

    /** Writes an answer, then closes the connection (FIN) once it is out. */
    void writeNowAndClose(WireAnswer answer) {
        writeRawAndClose(answer.bytes());
    }

    /** Resets the connection: SO_LINGER 0, then close, so the peer sees RST. Any thread. */
    void reset() {
        Channel ch = ctx.channel();
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            LOG.debug("cannot set SO_LINGER on {}: {}", ch, e.toString());
        }
        ch.close();
    }

    /** Closes the connection gracefully (FIN). Any thread. */
    void closeGracefully() {
        ctx.channel().close();
    }

    /** The mapper of the provider, for faults that re-encode an answer. */
    ObjectMapper mapper() {
        return dispatcher.mapper();
    }
}
