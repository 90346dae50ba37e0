package dev.rpcharness.provider.internal.server;

import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of one HTTP/1.1 response, built by hand so fault injection controls every byte on the wire.
 * Immutable.
 *
 * @param head the status line and headers, ending with the blank line
 * @param body the body (its length is announced in Content-Length unless a fault says otherwise)
 */
record WireAnswer(byte[] head, byte[] body) {

    /** A response whose Content-Length matches {@code body}. */
    static WireAnswer of(int status, String requestId, String contentType, byte[] body) {
        return new WireAnswer(head(status, requestId, contentType, body.length, false), body);
    }

    /** A response announcing {@code contentLength}, whatever the body really holds. */
    static WireAnswer withLength(int status, String requestId, String contentType, byte[] body, int contentLength) {
        return new WireAnswer(head(status, requestId, contentType, contentLength, false), body);
    }

    /** A response that also says {@code Connection: close}. */
    static WireAnswer closing(int status, String requestId, String contentType, byte[] body) {
        return new WireAnswer(head(status, requestId, contentType, body.length, true), body);
    }

    static byte[] head(int status, String requestId, String contentType, int contentLength, boolean close) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("HTTP/1.1 ").append(status).append(' ')
                .append(HttpResponseStatus.valueOf(status).reasonPhrase()).append("\r\n");
        sb.append("Content-Type: ").append(contentType).append("\r\n");
        sb.append("Content-Length: ").append(contentLength).append("\r\n");
        if (requestId != null) {
            sb.append(WireContract.REQUEST_ID_HEADER).append(": ").append(headerSafe(requestId)).append("\r\n");
        }
        if (close) {
            sb.append("Connection: close\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final byte[] OK_JSON_HEAD = ("HTTP/1.1 200 " + HttpResponseStatus.OK.reasonPhrase() + "\r\n"
            + "Content-Type: " + WireContract.CONTENT_TYPE + "\r\nContent-Length: ").getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] ID_HEADER = ("\r\n" + WireContract.REQUEST_ID_HEADER + ": ")
            .getBytes(StandardCharsets.ISO_8859_1);

    /** The scratch array {@link #encode} needs: the usual answer head with an id of up to 128 characters. */
    static byte[] newScratch() {
        return new byte[OK_JSON_HEAD.length + 10 + ID_HEADER.length + MAX_SCRATCH_ID + 4];
    }

    private static final int MAX_SCRATCH_ID = 128;

    /**
     * The bytes of {@code of(status, requestId, contentType, body)} (or {@code closing(...)} when {@code close}),
     * head and body, written into one buffer from {@code alloc}. The usual answer (200, JSON, kept open, an id of
     * up to 128 characters) has its head put together in {@code scratch} (from {@link #newScratch}) and copied in
     * one piece; others are built as {@link #head} builds them. The caller owns the buffer.
     */
    static ByteBuf encode(ByteBufAllocator alloc, int status, String requestId, String contentType, byte[] body,
                          boolean close, byte[] scratch) {
        if (status != 200 || close || !WireContract.CONTENT_TYPE.equals(contentType)
                || requestId != null && requestId.length() > MAX_SCRATCH_ID) {
            byte[] head = head(status, requestId, contentType, body.length, close);
            return alloc.buffer(head.length + body.length).writeBytes(head).writeBytes(body);
        }
        int n = put(scratch, 0, OK_JSON_HEAD);
        n = putDecimal(scratch, n, body.length);
        if (requestId != null) {
            n = put(scratch, n, ID_HEADER);
            n = putHeaderSafe(scratch, n, requestId);
        }
        scratch[n++] = '\r';
        scratch[n++] = '\n';
        scratch[n++] = '\r';
        scratch[n++] = '\n';
        return alloc.buffer(n + body.length).writeBytes(scratch, 0, n).writeBytes(body);
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    /** The decimal digits of {@code value} (not negative) at {@code at}; returns the index after them. */
    private static int putDecimal(byte[] out, int at, int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = at + digits;
        int v = value;
        for (int i = end - 1; i >= at; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    /**
     * The id's characters at {@code at} as {@link #headerSafe} and an ISO-8859-1 encoding give them: control
     * characters dropped, a character past 0xFF written as {@code '?'}.
     */
    private static int putHeaderSafe(byte[] out, int at, String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (keptInHeader(c)) {
                out[at++] = c > 0xff ? (byte) '?' : (byte) c;
            }
        }
        return at;
    }

    /** The id with control characters dropped, so a hostile id cannot split the header block. */
    /** Whether an id's character stays in its header: control characters go. */
    private static boolean keptInHeader(char c) {
        return c >= 0x20 && c != 0x7f;
    }

    private static String headerSafe(String id) {
        boolean clean = true;
        for (int i = 0; i < id.length() && clean; i++) {
            char c = id.charAt(i);
            clean = keptInHeader(c);
        }
        if (clean) {
            return id;
        }
        StringBuilder sb = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (keptInHeader(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Head and body as one array. */
    byte[] bytes() {
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
