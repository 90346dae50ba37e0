package dev.rpcharness.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: the last handler of its pipeline, it turns each {@code POST /rpc} (a
 * {@link CallRequest} from the fast path, or an aggregated request from Netty's decoder) into a
 * {@link CallDispatcher.Call}, and it owns the connection's outbound queue, which holds answers while the
 * provider is frozen or a slow-drip answer is on the wire (so answers never interleave).
 *
 * <p>Answers written during a read batch leave with one flush at the batch's end (a
 * {@link FlushConsolidationHandler} at the head of the pipeline), so pipelined calls cost one send, not one each.
 *
 * <p>Threading: every method runs on the connection's event loop, except {@link #at}, {@link #freeze},
 * {@link #thaw} and {@link #stopReading}, which hop onto it (the last three return a future of their effect).
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {

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
    /** Reused for parsing bodies on this connection's event loop; grown on demand up to the decoder's limit. */
    private byte[] scratch = new byte[1024];

    ServerConnection(CallDispatcher dispatcher, ConnectionSet connections) {
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
        // Answers written while a read batch is in progress go out with one flush at its end (one send for many
        // pipelined answers); answers written later (delayed, from workers) share one flush per event-loop turn.
        // A close flushes what is pending first, so no fault overtakes an earlier answer.
        if (ctx.pipeline().get(FlushConsolidationHandler.class) == null) {
            ctx.pipeline().addFirst("flush", new FlushConsolidationHandler(
                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
        // The usual call (a head and its whole body in one read) skips the aggregator's copying.
        HttpObjectAggregator aggregator = ctx.pipeline().get(HttpObjectAggregator.class);
        if (aggregator != null && ctx.pipeline().get(SingleChunkRequests.class) == null) {
            ctx.pipeline().addBefore(ctx.pipeline().context(aggregator).name(), "single-chunk",
                    new SingleChunkRequests(aggregator.maxContentLength()));
        }
        // The contract's plain call skips Netty's HTTP objects altogether; anything unusual falls back to them.
        if (aggregator != null && ctx.pipeline().get(CallRequestDecoder.class) == null) {
            ctx.pipeline().addBefore(FIRST_HANDLER, "call-request", new CallRequestDecoder(
                    aggregator.maxContentLength()));
        }
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
                call(call.requestId(), call.body(), call.keepAlive(), call.timeout(), call.callSeq(),
                        call.deadline());
            } finally {
                call.body().release();
            }
        } else if (msg instanceof FullHttpRequest req) {
            try {
                request(req);
            } finally {
                req.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** A request as Netty's decoder and aggregator gave it (the fast path's {@link CallRequestDecoder} did not). */
    private void request(FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            // The framing is lost: answer and close at once, ahead of anything queued.
            rawCtx.writeAndFlush(Unpooled.wrappedBuffer(WireAnswer.closing(400, null, "text/plain",
                    ("malformed HTTP request: " + req.decoderResult().cause()).getBytes(StandardCharsets.UTF_8))
                    .bytes())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String headerId = req.headers().get(WireContract.REQUEST_ID_HEADER);
        String path = path(req.uri());
        if (!WireContract.CALL_PATH.equals(path)) {
            answer(text(404, headerId, "no such path " + path + "; calls go to POST " + WireContract.CALL_PATH));
            return;
        }
        if (!HttpMethod.POST.equals(req.method())) {
            answer(text(405, headerId, "method " + req.method() + " not allowed; calls are POST"));
            return;
        }
        call(headerId, req.content(), HttpUtil.isKeepAlive(req), req.headers().get(WireContract.TIMEOUT_HEADER),
                req.headers().get(WireContract.CALL_SEQ_HEADER), req.headers().get(WireContract.DEADLINE_HEADER));
    }

    /** A {@code POST /rpc}: decodes its body and dispatches the call. The body stays the caller's to release. */
    private void call(String headerId, ByteBuf body, boolean keepAlive, String timeoutHeader, String callSeqHeader,
                      String deadlineHeader) {
        int length = body.readableBytes();
        if (length > scratch.length && length <= CallDecoder.SCRATCH_LIMIT) {
            scratch = new byte[Math.min(CallDecoder.SCRATCH_LIMIT, Math.max(length, scratch.length * 2))];
        }
        DecodedCall request;
        try {
            request = dispatcher.decoder().decode(body, scratch(), headerId == null);
        } catch (CallDecoder.NotACallException e) {
            answer(text(400, headerId, "body is not an RPC call: " + e.getMessage()));
            return;
        }
        String id = headerId != null ? headerId : request.requestId;
        if (id == null) {
            answer(text(400, null, "call " + request.label() + " has no request id"));
            return;
        }
        String previous = lastRequestId;
        lastRequestId = id;
        dispatcher.dispatch(this, new CallDispatcher.Call(id, previous, request, System.nanoTime(), keepAlive,
                budgetNanos(timeoutHeader), callSeq(callSeqHeader), deadlineMillis(deadlineHeader)));
    }

    /**
     * The consumer's call-sequence number from the optional {@code X-Rpc-Call-Seq} header; 0 when absent or not a
     * positive decimal number (the call's faults are then drawn in arrival order).
     */
    static long callSeq(String header) {
        return positiveDecimal(header);
    }

    /**
     * The caller's deadline (wall-clock epoch milliseconds) from the optional {@code X-Rpc-Deadline-Ms} header; 0
     * (none) when absent or not a positive decimal number.
     */
    static long deadlineMillis(String header) {
        return positiveDecimal(header);
    }

    private static long positiveDecimal(String header) {
        if (header == null) {
            return 0L;
        }
        try {
            long seq = Long.parseLong(header.trim());
            return seq > 0 ? seq : 0L;
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    private byte[] scratch() {
        return scratch;
    }

    /** The decoded path of a request target; the call path itself without building a decoder. */
    static String path(String uri) {
        return WireContract.CALL_PATH.equals(uri) ? uri : new QueryStringDecoder(uri).path();
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
        return ctx.pipeline().get(CallRequestDecoder.class) != null;
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
        io.netty.buffer.ByteBuf buf = WireAnswer.encode(rawCtx.alloc(), status, requestId, contentType, body, close);
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
