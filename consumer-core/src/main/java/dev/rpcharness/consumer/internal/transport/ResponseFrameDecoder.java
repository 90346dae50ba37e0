package dev.rpcharness.consumer.internal.transport;

import static dev.rpcharness.protocol.HttpBytes.equalsLowerCase;

import dev.rpcharness.protocol.HttpBytes;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fast path of a provider connection's response decoding: reads the plain responses the contract's providers
 * send ({@code HTTP/1.1}, a status line, headers with one {@code Content-Length}, a body within
 * {@code maxResponseBytes}) straight from the bytes into a {@link ResponseFrame} with the status, the request-id
 * header and a slice of the body: no header map, no HTTP message objects, no aggregation.
 *
 * <p>Anything else (another HTTP version, 1xx, 204 or 304, chunked or unframed bodies, an oversized body, a
 * duplicated or malformed framing header, bare line feeds, folded or non-ASCII headers, over-long lines, garbage)
 * is not judged here: at the first byte of such a response this handler puts Netty's
 * {@link HttpResponseDecoder} and {@link HttpObjectAggregator} in its place and hands them every byte from that
 * response's first one on, for good. So every unusual response, and every failure, is decoded exactly as Netty
 * decodes it, with the same errors; the fast path only accepts what Netty would decode to the same status,
 * request id and body. A connection that ends inside a response also hands its bytes over, so Netty's end-of-input
 * rules apply.
 *
 * <p>Threading: the channel's event loop only; one per channel.
 */
final class ResponseFrameDecoder extends ByteToMessageDecoder {

    /** Netty's default limits, below which the fast path stays: past them the fallback decides. */
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_BYTES = 8192;

    private static final byte[] VERSION = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = HttpBytes.lowerCaseAscii("Content-Length");
    private static final byte[] TRANSFER_ENCODING = HttpBytes.lowerCaseAscii("Transfer-Encoding");
    private static final byte[] REQUEST_ID = HttpBytes.lowerCaseAscii(WireContract.REQUEST_ID_HEADER);
    /** A pushback answer is rare: it takes Netty's decoder, which keeps every header. */
    private static final byte[] PUSHBACK = HttpBytes.lowerCaseAscii(WireContract.PUSHBACK_HEADER);

    /** Bytes of a response's beginning copied first: a contract provider's head fits in about 120. */
    static final int FIRST_COPY = 256;

    private static final int NEED_MORE = 0;
    private static final int FALL_BACK = -1;

    private final int maxResponseBytes;
    /** The head of the response being read (status line and headers, at most both limits). */
    private final byte[] scratch = new byte[MAX_INITIAL_LINE + MAX_HEADER_BYTES + 2];
    private boolean fellBack;
    private long headBytesCopied;
    /**
     * While the current response's head is parsed and its body has not fully arrived: the index, relative to the
     * reader index, after its body; else 0.
     */
    private int headParsedEnd;

    // What the parse of the current response found; reset per response.
    private int status;
    private int reasonStart;
    private int reasonEnd;
    private long contentLength;
    private int idStart;
    private int idEnd;

    ResponseFrameDecoder(int maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    /** Bytes copied out of the input to parse response heads, in all. For tests. */
    long headBytesCopied() {
        return headBytesCopied;
    }

    /** Whether this connection fell back to Netty's decoder. For tests. */
    boolean fellBack() {
        return fellBack;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        int end = headParsedEnd;
        if (end == 0) {
            end = parseHead(in, start, available);
            if (end == FALL_BACK) {
                fallBack(ctx);
                return;
            }
            if (end == NEED_MORE) {
                return;
            }
        }
        if (end > available) {
            headParsedEnd = end; // the head is read; wait for the body without reading the head again
            return;
        }
        headParsedEnd = 0;
        int bodyStart = start + end - (int) contentLength;
        HttpResponseStatus s = status / 100 == 2 ? null : HttpResponseStatus.valueOf(status,
                new String(scratch, reasonStart, reasonEnd - reasonStart, StandardCharsets.US_ASCII));
        long id = idStart < 0 ? -1 : canonicalId(scratch, idStart, idEnd);
        String idText = idStart < 0 || id >= 0 ? null
                : new String(scratch, idStart, idEnd - idStart, StandardCharsets.US_ASCII);
        out.add(new ResponseFrame(status, s, id, idText, in.retainedSlice(bodyStart, (int) contentLength)));
        in.readerIndex(start + end);
    }

    /**
     * Parses the response at {@code start} from a copy of its first bytes (one bulk read instead of a call per
     * byte), copying only as much as the head needs: {@link #FIRST_COPY} bytes, then four times more while the
     * parse needs more and the input has it, up to both limits. A parse of a prefix either needs more or says what
     * the parse of every longer prefix says, so the outcome is that of parsing the whole head at once.
     */
    private int parseHead(ByteBuf in, int start, int available) {
        int max = Math.min(available, scratch.length);
        int copied = Math.min(max, FIRST_COPY);
        in.getBytes(start, scratch, 0, copied);
        headBytesCopied += copied;
        while (true) {
            int end = parse(scratch, copied);
            if (end != NEED_MORE || copied == max) {
                return end;
            }
            int more = Math.min(max, copied * 4);
            in.getBytes(start + copied, scratch, copied, more - copied);
            headBytesCopied += more - copied;
            copied = more;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (!ctx.isRemoved() && in.isReadable()) {
            // The input ends inside a response: Netty's decoder says what that is.
            fallBack(ctx);
        }
    }

    /** Puts Netty's decoder and aggregator in this handler's place; the unread bytes go to them. */
    private void fallBack(ChannelHandlerContext ctx) {
        fellBack = true;
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(ctx.name(), "http-decoder", new HttpResponseDecoder());
        p.addAfter("http-decoder", "aggregator", new HttpObjectAggregator(maxResponseBytes));
        p.remove(this);
    }

    /**
     * Parses one response from {@code start}. Returns the index after its body once the head is complete (the body
     * may not have arrived yet: compare with {@code available}), {@link #NEED_MORE} when the bytes so far are a
     * fitting beginning of a head, or {@link #FALL_BACK} when this response is not one the fast path takes.
     */
    private int parse(byte[] in, int limit) {
        int start = 0;
        // Status line: "HTTP/1.1 " 3DIGIT SP reason CRLF, single spaces, a non-empty reason without edge spaces.
        int i = start;
        for (int k = 0; k < VERSION.length; k++, i++) {
            if (i >= limit) {
                return NEED_MORE;
            }
            if (in[i] != VERSION[k]) {
                return FALL_BACK;
            }
        }
        if (i + 4 > limit) {
            return NEED_MORE;
        }
        int code = 0;
        for (int k = 0; k < 3; k++, i++) {
            byte b = in[i];
            if (b < '0' || b > '9') {
                return FALL_BACK;
            }
            code = code * 10 + (b - '0');
        }
        if (in[i++] != ' ' || code < 200 || code > 599 || code == 204 || code == 304) {
            return FALL_BACK;
        }
        int rs = i;
        int lineEnd = findLineEnd(in, i, Math.min(limit, start + MAX_INITIAL_LINE), false);
        if (lineEnd < 0) {
            return lineEnd == -2 || limit - start >= MAX_INITIAL_LINE ? FALL_BACK : NEED_MORE;
        }
        if (lineEnd == rs || in[rs] == ' ' || in[lineEnd - 1] == ' ') {
            return FALL_BACK;
        }
        status = code;
        reasonStart = rs;
        reasonEnd = lineEnd;
        contentLength = -1;
        idStart = -1;
        idEnd = -1;
        i = lineEnd + 2;
        int headersStart = i;
        int headerLimit = Math.min(limit, headersStart + MAX_HEADER_BYTES);
        // Header lines until the empty line.
        while (true) {
            if (i + 2 > headerLimit) {
                return limit - headersStart >= MAX_HEADER_BYTES ? FALL_BACK : NEED_MORE;
            }
            byte first = in[i];
            if (first == '\r') {
                if (in[i + 1] != '\n') {
                    return FALL_BACK;
                }
                i += 2;
                break;
            }
            int nameStart = i;
            while (i < headerLimit) {
                byte b = in[i];
                if (b == ':') {
                    break;
                }
                if (!HttpBytes.isTokenChar(b)) {
                    return FALL_BACK;
                }
                i++;
            }
            if (i >= headerLimit) {
                return limit - headersStart >= MAX_HEADER_BYTES ? FALL_BACK : NEED_MORE;
            }
            int nameEnd = i;
            if (nameEnd == nameStart) {
                return FALL_BACK;
            }
            i++;
            while (i < headerLimit && (in[i] == ' ' || in[i] == '\t')) {
                i++;
            }
            int valueStart = i;
            int eol = findLineEnd(in, i, headerLimit, true);
            if (eol < 0) {
                return eol == -2 || limit - headersStart >= MAX_HEADER_BYTES ? FALL_BACK : NEED_MORE;
            }
            int valueEnd = eol;
            while (valueEnd > valueStart && (in[valueEnd - 1] == ' ' || in[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            if (equalsLowerCase(in, nameStart, nameEnd - nameStart, CONTENT_LENGTH)) {
                long n = HttpBytes.decimal(in, valueStart, valueEnd, 10);
                if (contentLength >= 0 || n < 0) {
                    return FALL_BACK;
                }
                contentLength = n;
            } else if (equalsLowerCase(in, nameStart, nameEnd - nameStart, TRANSFER_ENCODING)
                    || equalsLowerCase(in, nameStart, nameEnd - nameStart, PUSHBACK)) {
                return FALL_BACK;
            } else if (equalsLowerCase(in, nameStart, nameEnd - nameStart, REQUEST_ID)) {
                if (idStart >= 0) {
                    return FALL_BACK;
                }
                idStart = valueStart;
                idEnd = valueEnd;
            }
            i = eol + 2;
        }
        if (contentLength < 0 || contentLength > maxResponseBytes) {
            return FALL_BACK;
        }
        long end = i + contentLength;
        return end > Integer.MAX_VALUE ? NEED_MORE : (int) end; // past any buffer: the aggregator's limit decides
    }

    /**
     * Index of the CR of the CRLF ending the line that starts at {@code from}, -1 when the bytes before
     * {@code limit} hold no line end yet, -2 for a byte the fast path does not take (a bare LF, a lone CR, a
     * control character other than a tab in a header value, non-ASCII).
     */
    private static int findLineEnd(byte[] in, int from, int limit, boolean tabs) {
        for (int i = from; i < limit; i++) {
            byte b = in[i];
            if (b == '\r') {
                if (i + 1 >= limit) {
                    return -1;
                }
                return in[i + 1] == '\n' ? i : -2;
            }
            if (b < 0x20 && !(tabs && b == '\t') || b == 0x7f || b < 0) {
                return -2;
            }
        }
        return -1;
    }

    /**
     * The request id in {@code in[from, to)} when it is written as the client writes ids (1 to 18 decimal digits,
     * no leading zero but for 0 itself), so that its text is {@link Long#toString} of it; else -1.
     */
    private static long canonicalId(byte[] in, int from, int to) {
        if (to - from > 1 && in[from] == '0') {
            return -1;
        }
        return HttpBytes.decimal(in, from, to, 18);
    }

    /**
     * One response read by the fast path: status code, the status as Netty would name it for a non-2xx answer
     * (null for 2xx), the request-id header and the body, which the receiver releases. The header comes as a
     * number when it is one written as the client writes ids ({@code id}, no text made), else as its text
     * ({@code idText}; {@code id} -1, and both absent, -1 and null, without the header).
     */
    record ResponseFrame(int code, HttpResponseStatus status, long id, String idText, ByteBuf content) {
        boolean success() {
            return code / 100 == 2;
        }

        /** The request-id header's text, null when absent. */
        String requestId() {
            return id >= 0 ? Long.toString(id) : idText;
        }
    }
}
