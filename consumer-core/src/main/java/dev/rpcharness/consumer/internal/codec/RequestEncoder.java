package dev.rpcharness.consumer.internal.codec;

import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * Builds the bytes of a call's HTTP request (docs/wire-contract.md, "Call") straight into one buffer:
 *
 * <pre>
 * POST /rpc HTTP/1.1\r\n
 * host: &lt;host:port&gt;\r\n
 * content-type: application/json\r\n
 * [X-Rpc-Client-Id: &lt;client id&gt;\r\n]
 * content-length: &lt;n&gt;\r\n
 * X-Rpc-Request-Id: &lt;id&gt;\r\n
 * X-Rpc-Deadline-Ms: &lt;now + ms, wall-clock epoch millis&gt;\r\n
 * X-Rpc-Timeout-Ms: &lt;ms&gt;\r\n
 * [X-Rpc-Call-Seq: &lt;seq&gt;\r\n]
 * [X-Rpc-Attempt: &lt;n&gt;\r\n]
 * \r\n
 * {"requestId":"&lt;id&gt;",&lt;method's constant tail&gt;&lt;encoded arguments&gt;}
 * </pre>
 *
 * The request line and the constant headers (the client's id among them, when it has one) are precomputed once
 * per connection, and so is the timeout header of
 * a call written with its whole timeout left (the usual case); the body's constant part is cached per method in
 * {@link MethodMetadata}. Per call only the id, the lengths and the arguments are written: no header map, no
 * HTTP encoder. The call-sequence header goes in only for a call recorded in a call history (seq above 0); without
 * one the bytes are exactly those above without it. One per connection; called on its event loop only.
 */
public final class RequestEncoder {

    private static final byte[] BODY_HEAD = ascii("{\"requestId\":\"");
    private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
    private static final byte[] REQUEST_ID = ascii("\r\n" + WireContract.REQUEST_ID_HEADER + ": ");
    private static final byte[] TIMEOUT = ascii("\r\n" + WireContract.TIMEOUT_HEADER + ": ");
    private static final byte[] DEADLINE = ascii("\r\n" + WireContract.DEADLINE_HEADER + ": ");
    private static final byte[] HEAD_END = ascii("\r\n\r\n");
    private static final byte[] CALL_SEQ = ascii(WireContract.CALL_SEQ_HEADER + ": ");
    private static final byte[] ATTEMPT = ascii(WireContract.ATTEMPT_HEADER + ": ");
    private static final byte[] CRLF = ascii("\r\n");
    /** Room for the decimal digits of a long. */
    private static final int MAX_DIGITS = 20;

    private final byte[] head;
    private final LongSupplier wallMillis;
    private long fullTimeoutMillis = -1;
    private byte[] fullTimeout;

    /** @param hostHeader the {@code Host} header value, "host:port" of the provider */
    public RequestEncoder(String hostHeader) {
        this(hostHeader, null);
    }

    /**
     * @param hostHeader the {@code Host} header value, "host:port" of the provider
     * @param clientId   the {@link WireContract#CLIENT_ID_HEADER} of every request, or null for none
     */
    public RequestEncoder(String hostHeader, String clientId) {
        this(hostHeader, clientId, System::currentTimeMillis);
    }

    /**
     * @param hostHeader the {@code Host} header value, "host:port" of the provider
     * @param clientId   the {@link WireContract#CLIENT_ID_HEADER} of every request, or null for none
     * @param wallMillis the wall clock the deadline header counts from (epoch milliseconds)
     */
    public RequestEncoder(String hostHeader, String clientId, LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
        this.head = ascii("POST " + WireContract.CALL_PATH + " HTTP/1.1\r\nhost: " + hostHeader
                + "\r\ncontent-type: " + WireContract.CONTENT_TYPE + "\r\n"
                + (clientId == null ? "" : WireContract.CLIENT_ID_HEADER + ": " + clientId + "\r\n"));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param timeoutMillis     the budget announced in the timeout header
     * @param fullTimeoutMillis the call's whole timeout: when {@code timeoutMillis} equals it, the header's
     *                          precomputed bytes are used
     * @return the request's bytes in a freshly allocated buffer; ownership passes to the caller (the pipeline)
     */
    public ByteBuf encode(ByteBufAllocator alloc, long requestId, MethodMetadata method, byte[] arguments,
                          long timeoutMillis, long fullTimeoutMillis) {
        return encode(alloc, requestId, method, arguments, timeoutMillis, fullTimeoutMillis, 0L);
    }

    /**
     * As {@link #encode(ByteBufAllocator, long, MethodMetadata, byte[], long, long)}, plus the optional
     * {@link WireContract#CALL_SEQ_HEADER} when {@code callSeq} is above 0 (the call's number in the client's call
     * history); 0 writes no such header.
     */
    public ByteBuf encode(ByteBufAllocator alloc, long requestId, MethodMetadata method, byte[] arguments,
                          long timeoutMillis, long fullTimeoutMillis, long callSeq) {
        return encode(alloc, requestId, method, arguments, timeoutMillis, fullTimeoutMillis, callSeq, 0);
    }

    /**
     * As {@link #encode(ByteBufAllocator, long, MethodMetadata, byte[], long, long, long)}, plus the optional
     * {@link WireContract#ATTEMPT_HEADER} when {@code attempt} is above 0 (an attempt of a call with a policy).
     */
    public ByteBuf encode(ByteBufAllocator alloc, long requestId, MethodMetadata method, byte[] arguments,
                          long timeoutMillis, long fullTimeoutMillis, long callSeq, int attempt) {
        if (fullTimeoutMillis != this.fullTimeoutMillis) {
            this.fullTimeoutMillis = fullTimeoutMillis;
            this.fullTimeout = ascii("\r\n" + WireContract.TIMEOUT_HEADER + ": " + fullTimeoutMillis + "\r\n\r\n");
        }
        int idDigits = digits(requestId);
        byte[] tail = method.bodyTail();
        int length = BODY_HEAD.length + idDigits + 1 + tail.length + arguments.length + 1;
        int capacity = head.length + CONTENT_LENGTH.length + digits(length) + REQUEST_ID.length + idDigits
                + DEADLINE.length + MAX_DIGITS
                + (timeoutMillis == fullTimeoutMillis ? fullTimeout.length
                        : TIMEOUT.length + MAX_DIGITS + HEAD_END.length) + length
                + (callSeq > 0 ? CALL_SEQ.length + MAX_DIGITS + CRLF.length : 0)
                + (attempt > 0 ? ATTEMPT.length + MAX_DIGITS + CRLF.length + TIMEOUT.length + MAX_DIGITS : 0);
        ByteBuf buf = alloc.buffer(capacity);
        buf.writeBytes(head);
        buf.writeBytes(CONTENT_LENGTH);
        writeDecimal(buf, length);
        buf.writeBytes(REQUEST_ID);
        writeDecimal(buf, requestId);
        // The budget as a wall-clock deadline, which a provider that reads the call late can still compare.
        buf.writeBytes(DEADLINE);
        writeDecimal(buf, wallMillis.getAsLong() + timeoutMillis);
        if (callSeq > 0 || attempt > 0) {
            // The timeout and deadline headers, then the sequence and attempt headers, then the blank line.
            buf.writeBytes(TIMEOUT);
            writeDecimal(buf, timeoutMillis);
            if (callSeq > 0) {
                buf.writeBytes(CRLF);
                buf.writeBytes(CALL_SEQ);
                writeDecimal(buf, callSeq);
            }
            if (attempt > 0) {
                buf.writeBytes(CRLF);
                buf.writeBytes(ATTEMPT);
                writeDecimal(buf, attempt);
            }
            buf.writeBytes(HEAD_END);
        } else if (timeoutMillis == fullTimeoutMillis) {
            buf.writeBytes(fullTimeout);
        } else {
            buf.writeBytes(TIMEOUT);
            writeDecimal(buf, timeoutMillis);
            buf.writeBytes(HEAD_END);
        }
        buf.writeBytes(BODY_HEAD);
        writeDecimal(buf, requestId);
        buf.writeByte('"');
        buf.writeBytes(tail);
        buf.writeBytes(arguments);
        buf.writeByte('}');
        return buf;
    }

    /** Number of decimal digits of a non-negative value. */
    static int digits(long value) {
        int n = 1;
        for (long v = value; v >= 10; v /= 10) {
            n++;
        }
        return n;
    }

    /** Writes a non-negative value in decimal ASCII, without allocating. */
    static void writeDecimal(ByteBuf buf, long value) {
        int n = digits(value);
        int at = buf.writerIndex();
        buf.ensureWritable(n);
        long v = value;
        for (int i = n - 1; i >= 0; i--) {
            buf.setByte(at + i, (int) ('0' + v % 10));
            v /= 10;
        }
        buf.writerIndex(at + n);
    }
}
