package dev.rpcharness.provider.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.util.List;

/**
 * The fast path of a provider connection's request decoding: reads the plain call the contract's consumers send
 * ({@code POST /rpc HTTP/1.1}, headers with one {@code Content-Length}, a body within the provider's limit) straight
 * from the bytes into a {@link CallRequest}: no header map, no HTTP message objects, no aggregation.
 *
 * <p>Anything else (another method, path or version, a chunked body, {@code Expect}, an unusual {@code Connection}
 * header, a duplicated header the call reads, a malformed or non-ASCII header line, bare line feeds, folded lines,
 * over-long heads, an oversized body, garbage) is not judged here: at the first byte of such a request this handler
 * hands every byte from that request on to Netty's {@link HttpRequestDecoder} and {@link HttpObjectAggregator}
 * behind it, for good ({@link ServerPipeline#handOverToNetty}). So every unusual request, and every failure, is
 * decoded exactly as before, with the same answers; the fast path only takes what Netty would decode to the same
 * headers and body.
 * Bytes left when the connection ends are handed over too, so Netty's end-of-input rules apply.
 *
 * <p>The head is parsed by {@link CallHead}, from a copy of its bytes: a window that follows the connection's last
 * head, a larger one only when the head does not end within it.
 *
 * <p>Threading: the channel's event loop only; one per channel.
 */
final class CallRequestDecoder extends ByteToMessageDecoder {

    /** Netty's default limit of a request's header block; longer heads go to Netty. */
    static final int MAX_HEADER_BYTES = 8192;

    private static final int NEED_MORE = CallHead.NEED_MORE;
    private static final int FALL_BACK = CallHead.FALL_BACK;

    /** The first bytes copied to find the first head: more than the contract's usual head with its headers. */
    private static final int FIRST_WINDOW = 512;
    /** The least first window; a connection's next heads are copied in a window its last head fits with slack. */
    private static final int FIRST_WINDOW_MIN = 128;
    /** How much longer than the last head the next first window is (a request id or a number grows a digit). */
    private static final int WINDOW_SLACK = 64;

    private final CallHead callHead;
    /** The head being parsed, copied out of the input: the request line and at most {@link #MAX_HEADER_BYTES}. */
    private final byte[] head = new byte[CallHead.REQUEST_LINE_LENGTH + MAX_HEADER_BYTES];
    /** How many bytes are copied first to find the next head: the last head's length with slack. */
    private int firstWindow = FIRST_WINDOW;
    private boolean fellBack;
    /** The context a request is fired from to reach the connection directly; null to pass it down the pipeline. */
    private ChannelHandlerContext deliverFrom;

    /**
     * The length of the current request's head once parsed, 0 while it is not: a body that arrives in many reads
     * only waits, its head is not copied and parsed again on each.
     */
    private int parsedHeadLength;

    /** @param maxBodyBytes the largest body the fast path takes (the aggregator's limit; larger ones go to Netty) */
    CallRequestDecoder(long maxBodyBytes) {
        this.callHead = new CallHead(maxBodyBytes);
    }

    /** How many times a head was parsed (every attempt, complete or not). For tests. */
    int headParses() {
        return callHead.parses();
    }

    /** How many heads started with the connection's known start and were parsed only from after it. For tests. */
    int prefixHits() {
        return callHead.prefixHits();
    }

    /** Whether this connection fell back to Netty's decoder. For tests. */
    boolean fellBack() {
        return fellBack;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int headLength = parsedHeadLength;
        if (headLength == 0) {
            headLength = readHead(in);
            if (headLength == NEED_MORE) {
                return;
            }
            if (headLength == FALL_BACK) {
                fallBack(ctx);
                return;
            }
            parsedHeadLength = headLength;
        }
        int bodyLength = callHead.contentLength();
        if (in.readableBytes() - headLength < bodyLength) {
            // The body is not all here yet. The head stays in the input (unread), so a fall-back at the end of
            // input still hands Netty the whole request.
            return;
        }
        parsedHeadLength = 0;
        in.skipBytes(headLength);
        CallRequest request = callHead.request(in.readRetainedSlice(bodyLength));
        if (deliverFrom != null) {
            deliverFrom.fireChannelRead(request); // at once, in order, past the handlers of Netty's path
        } else {
            out.add(request);
        }
    }

    /**
     * Finds the context a request is fired from, once the pipeline is built: the handlers between this one and
     * the connection only pass a {@link CallRequest} on (Netty's decoder and aggregator take bytes and HTTP
     * objects), so a request is handed straight to the connection from the context of the handler just before it.
     * Without one (the pipeline of a test) requests go down the pipeline.
     */
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        deliverFrom = ctx.pipeline().context(ServerPipeline.AGGREGATOR);
        super.channelActive(ctx);
    }

    /**
     * Copies the head of the request at the reader index into {@link #head} (a first window that fits the usual
     * head, a larger one only when it does not) and parses it: the head's length, or {@link #NEED_MORE}, or
     * {@link #FALL_BACK}.
     */
    private int readHead(ByteBuf in) {
        int available = Math.min(in.readableBytes(), head.length);
        int window = Math.min(available, firstWindow);
        while (true) {
            in.getBytes(in.readerIndex(), head, 0, window);
            int r = callHead.parse(head, window);
            if (r > 0) {
                firstWindow = Math.max(FIRST_WINDOW_MIN, r + WINDOW_SLACK); // the next head is most likely alike
            }
            if (r != NEED_MORE || window == available) {
                return r == NEED_MORE && window == head.length ? FALL_BACK : r;
            }
            window = Math.min(available, window * 4);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            fallBack(ctx); // a request cut short: Netty's rules for the end of input decide
        }
    }

    private void fallBack(ChannelHandlerContext ctx) {
        fellBack = true;
        ServerPipeline.handOverToNetty(ctx);
    }
}
