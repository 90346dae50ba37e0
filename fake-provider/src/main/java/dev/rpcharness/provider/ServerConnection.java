package dev.rpcharness.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcRequest;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: the last handler of its pipeline, it turns each aggregated {@code POST /rpc} into a
 * {@link CallDispatcher.Call}, and it owns the connection's outbound queue, which holds answers while the
 * provider is frozen or a slow-drip answer is on the wire (so answers never interleave).
 *
 * <p>Threading: every method runs on the connection's event loop, except {@link #at}, {@link #freeze} and
 * {@link #thaw}, which hop onto it.
 */
final class ServerConnection extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
    /** Name of the first handler of the pipeline; raw writes go through its context and skip the encoder. */
    static final String FIRST_HANDLER = "decoder";

    private final CallDispatcher dispatcher;
    private final ConnectionSet connections;
    private final ArrayDeque<PendingWrite> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ChannelHandlerContext rawCtx;
    private boolean frozen;
    private boolean busy;
    private String lastRequestId;

    ServerConnection(CallDispatcher dispatcher, ConnectionSet connections) {
        super(true);
        this.dispatcher = dispatcher;
        this.connections = connections;
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
        this.rawCtx = ctx.pipeline().context(FIRST_HANDLER);
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
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            // The framing is lost: answer and close at once, ahead of anything queued.
            rawCtx.writeAndFlush(Unpooled.wrappedBuffer(WireAnswer.closing(400, null, "text/plain",
                    ("malformed HTTP request: " + req.decoderResult().cause()).getBytes(StandardCharsets.UTF_8))
                    .bytes())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String headerId = req.headers().get(WireContract.REQUEST_ID_HEADER);
        String path = new QueryStringDecoder(req.uri()).path();
        if (!WireContract.CALL_PATH.equals(path)) {
            answer(text(404, headerId, "no such path " + path + "; calls go to POST " + WireContract.CALL_PATH));
            return;
        }
        if (!HttpMethod.POST.equals(req.method())) {
            answer(text(405, headerId, "method " + req.method() + " not allowed; calls are POST"));
            return;
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        RpcRequest request;
        try {
            request = dispatcher.mapper().readValue(body, RpcRequest.class);
        } catch (Exception e) {
            answer(text(400, headerId, "body is not an RPC call: " + e.getMessage()));
            return;
        }
        String id = headerId != null ? headerId : request.requestId();
        if (id == null) {
            answer(text(400, null, "call " + request.label() + " has no request id"));
            return;
        }
        String previous = lastRequestId;
        lastRequestId = id;
        dispatcher.dispatch(this, new CallDispatcher.Call(id, previous, request, System.nanoTime(),
                HttpUtil.isKeepAlive(req), budgetNanos(req.headers().get(WireContract.TIMEOUT_HEADER))));
    }

    /** The caller's budget from {@code X-Rpc-Timeout-Ms}; 0 (none) when absent or not a positive number. */
    private static long budgetNanos(String header) {
        if (header == null) {
            return 0L;
        }
        try {
            long millis = Long.parseLong(header.trim());
            return millis > 0 ? TimeUnit.MILLISECONDS.toNanos(millis) : 0L;
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    /** Answers a request that is not a call, in turn with the connection's other answers. */
    private void answer(WireAnswer answer) {
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

    private static WireAnswer text(int status, String id, String message) {
        return WireAnswer.of(status, id, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code write} on this connection's event loop once {@code deadlineNanos} (a {@link System#nanoTime}
     * value) has passed, in turn with the other answers of the connection.
     */
    void at(long deadlineNanos, PendingWrite write) {
        Channel ch = ctx.channel();
        long wait = deadlineNanos - System.nanoTime();
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

    /** Stops reading and holds answers; from any thread. */
    void freeze() {
        ctx.channel().eventLoop().execute(() -> {
            frozen = true;
            ctx.channel().config().setAutoRead(false);
        });
    }

    /** Resumes reading and writes the held answers; from any thread. */
    void thaw() {
        ctx.channel().eventLoop().execute(() -> {
            frozen = false;
            ctx.channel().config().setAutoRead(true);
            flushHeld();
        });
    }

    /** Stops reading new calls; answers still go out. From any thread. */
    void stopReading() {
        ctx.channel().eventLoop().execute(() -> ctx.channel().config().setAutoRead(false));
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
