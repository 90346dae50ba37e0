package dev.rpcharness.provider.internal.server;

import static dev.rpcharness.protocol.HttpBytes.equalsLowerCase;

import dev.rpcharness.protocol.HttpBytes;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.nio.charset.StandardCharsets;
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
 * <p>Threading: the channel's event loop only; one per channel.
 */
final class CallRequestDecoder extends ByteToMessageDecoder {

    /** Netty's default limit of a request's header block; longer heads go to Netty. */
    static final int MAX_HEADER_BYTES = 8192;

    private static final byte[] REQUEST_LINE = ("POST " + WireContract.CALL_PATH + " HTTP/1.1\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = HttpBytes.lowerCaseAscii("Content-Length");
    private static final byte[] REQUEST_ID = HttpBytes.lowerCaseAscii(WireContract.REQUEST_ID_HEADER);
    private static final byte[] TIMEOUT = HttpBytes.lowerCaseAscii(WireContract.TIMEOUT_HEADER);
    private static final byte[] CALL_SEQ = HttpBytes.lowerCaseAscii(WireContract.CALL_SEQ_HEADER);
    private static final byte[] CLIENT_ID = HttpBytes.lowerCaseAscii(WireContract.CLIENT_ID_HEADER);
    private static final byte[] DEADLINE = HttpBytes.lowerCaseAscii(WireContract.DEADLINE_HEADER);
    private static final byte[] CONNECTION = HttpBytes.lowerCaseAscii("Connection");
    private static final byte[] TRANSFER_ENCODING = HttpBytes.lowerCaseAscii("Transfer-Encoding");
    private static final byte[] EXPECT = HttpBytes.lowerCaseAscii("Expect");
    private static final byte[] CLOSE = HttpBytes.lowerCaseAscii("close");
    private static final byte[] KEEP_ALIVE = HttpBytes.lowerCaseAscii("keep-alive");

    private static final int NEED_MORE = 0;
    private static final int FALL_BACK = -1;

    /** The first bytes copied to find a head: more than the contract's usual head with its four headers. */
    private static final int FIRST_WINDOW = 512;

    private final long maxBodyBytes;
    /** The head being parsed, copied out of the input: the request line and at most {@link #MAX_HEADER_BYTES}. */
    private final byte[] head = new byte[REQUEST_LINE.length + MAX_HEADER_BYTES];
    private boolean fellBack;
    /** Heads parsed (every attempt, complete or not) on this connection. For tests. */
    private int headParses;

    /**
     * The length of the current request's head once parsed, 0 while it is not: a body that arrives in many reads
     * only waits, its head is not copied and parsed again on each.
     */
    private int parsedHeadLength;
    // What the parse of the current request's head found; reset per request.
    private long contentLength;
    private String requestId;
    private String timeout;
    private String callSeq;
    private String clientId;
    private String deadline;
    private int connection;
    /** The last client id read on this connection: the next request's equal one reuses the string. */
    private String lastClientId;

    /** @param maxBodyBytes the largest body the fast path takes (the aggregator's limit; larger ones go to Netty) */
    CallRequestDecoder(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** How many times a head was parsed (every attempt, complete or not). For tests. */
    int headParses() {
        return headParses;
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
        int bodyLength = (int) contentLength;
        if (in.readableBytes() - headLength < bodyLength) {
            // The body is not all here yet. The head stays in the input (unread), so a fall-back at the end of
            // input still hands Netty the whole request.
            return;
        }
        parsedHeadLength = 0;
        in.skipBytes(headLength);
        out.add(new CallRequest(requestId, timeout, callSeq, clientId, deadline, connection != CONNECTION_CLOSE,
                in.readRetainedSlice(bodyLength)));
    }

    /**
     * Copies the head of the request at the reader index into {@link #head} (a first window that fits the usual
     * head, a larger one only when it does not) and parses it: the head's length, or {@link #NEED_MORE}, or
     * {@link #FALL_BACK}.
     */
    private int readHead(ByteBuf in) {
        int available = Math.min(in.readableBytes(), head.length);
        int window = Math.min(available, FIRST_WINDOW);
        while (true) {
            in.getBytes(in.readerIndex(), head, 0, window);
            int r = parseHead(head, window);
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

    private static final int CONNECTION_ABSENT = 0;
    private static final int CONNECTION_KEEP_ALIVE = 1;
    private static final int CONNECTION_CLOSE = 2;

    /**
     * Parses the head at the start of {@code a} ({@code length} bytes of the input); returns the head's length, or
     * {@link #NEED_MORE} when it does not end within them, or {@link #FALL_BACK}.
     */
    private int parseHead(byte[] a, int length) {
        headParses++;
        int n = Math.min(length, REQUEST_LINE.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != REQUEST_LINE[i]) {
                return FALL_BACK;
            }
        }
        if (n < REQUEST_LINE.length) {
            return NEED_MORE;
        }
        contentLength = -1;
        requestId = null;
        timeout = null;
        callSeq = null;
        clientId = null;
        deadline = null;
        connection = CONNECTION_ABSENT;
        int pos = REQUEST_LINE.length;
        while (true) {
            int lf = pos;
            while (lf < length && a[lf] != '\n') {
                lf++;
            }
            if (lf == length) {
                return NEED_MORE; // readHead tells a head too long for the fast path from one not all here
            }
            if (lf == pos || a[lf - 1] != '\r') {
                return FALL_BACK; // a bare line feed
            }
            if (lf - 1 == pos) { // the empty line: the head ends
                return contentLength < 0 || contentLength > maxBodyBytes ? FALL_BACK : lf + 1;
            }
            if (!header(a, pos, lf - 1)) {
                return FALL_BACK;
            }
            pos = lf + 1;
        }
    }

    /** Reads one header line {@code [from, to)} (without its CRLF); false when it is not one the fast path takes. */
    private boolean header(byte[] a, int from, int to) {
        int colon = from;
        while (colon < to) {
            byte b = a[colon];
            if (b == ':') {
                break;
            }
            if (!HttpBytes.isTokenChar(b)) {
                return false;
            }
            colon++;
        }
        if (colon == from || colon == to) {
            return false;
        }
        int valueStart = colon + 1;
        int valueEnd = to;
        for (int i = valueStart; i < to; i++) {
            byte b = a[i];
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                return false; // control or non-ASCII bytes: Netty judges them
            }
        }
        while (valueStart < valueEnd && blank(a[valueStart])) {
            valueStart++;
        }
        while (valueEnd > valueStart && blank(a[valueEnd - 1])) {
            valueEnd--;
        }
        int nameLength = colon - from;
        if (equalsLowerCase(a, from, nameLength, REQUEST_ID)) {
            if (requestId != null) {
                return false;
            }
            requestId = ascii(a, valueStart, valueEnd);
        } else if (equalsLowerCase(a, from, nameLength, CONTENT_LENGTH)) {
            if (contentLength >= 0) {
                return false;
            }
            contentLength = HttpBytes.decimal(a, valueStart, valueEnd, 18);
            return contentLength >= 0;
        } else if (equalsLowerCase(a, from, nameLength, TIMEOUT)) {
            if (timeout != null) {
                return false;
            }
            timeout = ascii(a, valueStart, valueEnd);
        } else if (equalsLowerCase(a, from, nameLength, CALL_SEQ)) {
            if (callSeq != null) {
                return false;
            }
            callSeq = ascii(a, valueStart, valueEnd);
        } else if (equalsLowerCase(a, from, nameLength, CLIENT_ID)) {
            if (clientId != null) {
                return false;
            }
            clientId = clientId(a, valueStart, valueEnd);
        } else if (equalsLowerCase(a, from, nameLength, DEADLINE)) {
            if (deadline != null) {
                return false;
            }
            deadline = ascii(a, valueStart, valueEnd);
        } else if (equalsLowerCase(a, from, nameLength, CONNECTION)) {
            if (connection != CONNECTION_ABSENT) {
                return false;
            }
            connection = equalsLowerCase(a, valueStart, valueEnd - valueStart, CLOSE) ? CONNECTION_CLOSE
                    : equalsLowerCase(a, valueStart, valueEnd - valueStart, KEEP_ALIVE) ? CONNECTION_KEEP_ALIVE
                    : CONNECTION_ABSENT;
            return connection != CONNECTION_ABSENT;
        } else if (equalsLowerCase(a, from, nameLength, TRANSFER_ENCODING)
                || equalsLowerCase(a, from, nameLength, EXPECT)) {
            return false;
        }
        return true;
    }

    /** The client id in {@code a[from, to)}: the connection's last one when the bytes equal it (no allocation). */
    private String clientId(byte[] a, int from, int to) {
        String last = lastClientId;
        if (last != null && last.length() == to - from) {
            int i = 0;
            while (i < to - from && a[from + i] == last.charAt(i)) {
                i++;
            }
            if (i == to - from) {
                return last;
            }
        }
        return lastClientId = ascii(a, from, to);
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static String ascii(byte[] a, int from, int to) {
        return new String(a, from, to - from, StandardCharsets.US_ASCII);
    }
}
