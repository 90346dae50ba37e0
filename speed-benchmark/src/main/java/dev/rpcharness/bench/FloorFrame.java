package dev.rpcharness.bench;

import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The floor stack's framing, by hand: finds one HTTP/1.1 message of the wire contract at a buffer's reader index
 * (lines up to the blank line, then {@code Content-Length} bytes of body) and where its {@code Content-Length} and
 * {@code X-Rpc-Request-Id} values lie. No HTTP objects, no header map: offsets into the buffer only. A message that
 * arrives in parts is scanned line by line once; offsets are kept relative to the message's start, so the buffer
 * may be compacted between reads. Chunked encoding is not supported (the contract's calls and the fake provider's
 * answers always carry a length).
 *
 * <p>Threading: one per connection, used on its event loop only.
 */
final class FloorFrame {

    /** Longest head accepted, in bytes. */
    static final int MAX_HEAD_BYTES = 8192;
    /** Longest body accepted, in bytes. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] REQUEST_ID = ascii(WireContract.REQUEST_ID_HEADER.toLowerCase(Locale.ROOT));

    /** Thrown when the bytes are not a message the floor frames: names what and where. */
    static final class FramingException extends RuntimeException {
        FramingException(String where, String what) {
            super(where + ": " + what);
        }
    }

    private final String where;
    /** Offset of the next line not yet looked at, from the message's start; 0 before the first line. */
    private int lineAt;
    private int headLength = -1;
    private int contentLength = -1;
    private int idFrom = -1;
    private int idTo = -1;

    /** @param where what the connection is, for error messages (e.g. "floor server connection from ...") */
    FloorFrame(String where) {
        this.where = where;
    }

    /** What the connection is, as error messages name it. */
    String where() {
        return where;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether a whole message starts at {@code buf}'s reader index. When true, the accessors describe it until
     * {@link #consume}.
     *
     * @throws FramingException when the head is too long, lacks {@code Content-Length}, or a length is malformed
     */
    boolean next(ByteBuf buf) {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        while (headLength < 0) {
            int lf = buf.indexOf(start + lineAt, end, (byte) '\n');
            if (lf < 0) {
                if (end - start > MAX_HEAD_BYTES) {
                    throw new FramingException(where, "no end of head within " + MAX_HEAD_BYTES + " bytes");
                }
                return false;
            }
            int lineFrom = start + lineAt;
            int lineTo = lf > lineFrom && buf.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            lineAt = lf + 1 - start;
            if (lineTo == lineFrom && lineFrom > start) {
                headLength = lineAt;
                if (contentLength < 0) {
                    throw new FramingException(where, "message without Content-Length (only lengths are framed)");
                }
            } else if (lineFrom > start) {
                header(buf, start, lineFrom, lineTo);
            }
        }
        return end - start - headLength >= contentLength;
    }

    private void header(ByteBuf buf, int start, int from, int to) {
        int colon = buf.indexOf(from, to, (byte) ':');
        if (colon < 0) {
            throw new FramingException(where, "header line without ':' at byte " + (from - start));
        }
        int v = colon + 1;
        while (v < to && buf.getByte(v) == ' ') {
            v++;
        }
        int ve = to;
        while (ve > v && buf.getByte(ve - 1) == ' ') {
            ve--;
        }
        if (nameIs(buf, from, colon, CONTENT_LENGTH)) {
            long n = decimal(buf, v, ve, 7);
            if (n < 0 || n > MAX_BODY_BYTES) {
                throw new FramingException(where, "Content-Length '" + buf.toString(v, ve - v, StandardCharsets
                        .ISO_8859_1) + "' is not a length up to " + MAX_BODY_BYTES);
            }
            contentLength = (int) n;
        } else if (nameIs(buf, from, colon, REQUEST_ID)) {
            idFrom = v - start;
            idTo = ve - start;
        }
    }

    private static boolean nameIs(ByteBuf buf, int from, int to, byte[] lower) {
        if (to - from != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            int b = buf.getByte(from + i);
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** The decimal number in {@code buf[from, to)}, or -1 when empty, longer than maxDigits or not digits. */
    static long decimal(ByteBuf buf, int from, int to, int maxDigits) {
        if (from >= to || to - from > maxDigits) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int b = buf.getByte(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }

    /** Index of the body's first byte in the buffer. */
    int bodyFrom(ByteBuf buf) {
        return buf.readerIndex() + headLength;
    }

    int contentLength() {
        return contentLength;
    }

    /** Index of the request-id header's value in the buffer, or -1 when the message has none. */
    int idFrom(ByteBuf buf) {
        return idFrom < 0 ? -1 : buf.readerIndex() + idFrom;
    }

    /** Length of the request-id header's value; 0 when the message has none. */
    int idLength() {
        return idFrom < 0 ? 0 : idTo - idFrom;
    }

    /** Moves the reader index past the current message and starts on the next one. */
    void consume(ByteBuf buf) {
        buf.skipBytes(headLength + contentLength);
        lineAt = 0;
        headLength = -1;
        contentLength = -1;
        idFrom = -1;
        idTo = -1;
    }

    /** Number of decimal digits of a non-negative value. */
    static int digits(long value) {
        int n = 1;
        for (long v = value; v >= 10; v /= 10) {
            n++;
        }
        return n;
    }

    /** Writes a non-negative value in decimal ASCII without allocating. */
    static void writeDecimal(ByteBuf buf, long value) {
        int n = digits(value);
        buf.ensureWritable(n);
        int at = buf.writerIndex();
        long v = value;
        for (int i = n - 1; i >= 0; i--) {
            buf.setByte(at + i, (int) ('0' + v % 10));
            v /= 10;
        }
        buf.writerIndex(at + n);
    }
}
