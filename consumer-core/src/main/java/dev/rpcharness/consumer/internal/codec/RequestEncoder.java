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
    /** Scratch for the request id's digits and for other numbers; digits at the end. */
    private final byte[] idDigits = new byte[MAX_DIGITS];
    private final byte[] digits = new byte[MAX_DIGITS];
    /** Where a request's bytes up to its arguments are put together; grown as a method's body tail needs. */
    private byte[] prefix = new byte[512];
    /** The deadline header's last value and its digits (from {@code deadlineFrom} to the end). */
    private long deadlineValue = -1;
    private final byte[] deadlineDigits = new byte[MAX_DIGITS];
    private int deadlineFrom;

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
        ByteBuf buf = alloc.buffer(maxBytes(method, arguments, timeoutMillis, fullTimeoutMillis, callSeq, attempt));
        encodeInto(buf, wallMillis(), requestId, method, arguments, timeoutMillis, fullTimeoutMillis, callSeq,
                attempt);
        return buf;
    }

    /** A reading of the wall clock the deadline header counts from (epoch milliseconds). */
    public long wallMillis() {
        return wallMillis.getAsLong();
    }

    /**
     * The most bytes {@link #encodeInto} writes for a call with these values, whatever its request id and the
     * clock.
     */
    public int maxBytes(MethodMetadata method, byte[] arguments, long timeoutMillis, long fullTimeoutMillis,
                        long callSeq, int attempt) {
        int body = BODY_HEAD.length + MAX_DIGITS + 1 + method.bodyTail().length + arguments.length + 1;
        return head.length + CONTENT_LENGTH.length + MAX_DIGITS + REQUEST_ID.length + MAX_DIGITS
                + DEADLINE.length + MAX_DIGITS + TIMEOUT.length + MAX_DIGITS + HEAD_END.length + body
                + (callSeq > 0 ? CRLF.length + CALL_SEQ.length + MAX_DIGITS : 0)
                + (attempt > 0 ? CRLF.length + ATTEMPT.length + MAX_DIGITS : 0);
    }

    /**
     * Appends the request's bytes to {@code buf}, which has room for {@link #maxBytes} of them (the arguments as
     * in {@link #encode(ByteBufAllocator, long, MethodMetadata, byte[], long, long, long, int)}), its deadline
     * header counted from {@code wallNowMillis}, a {@link #wallMillis()} reading (one may serve a batch). Everything
     * up to the arguments is put together in an array of this encoder and copied into the buffer in one piece, then
     * the arguments: three copies into the buffer per request instead of one per header piece. Numbers are
     * formatted once each (the request id once for its two places; the deadline's digits kept while its value
     * holds).
     */
    public void encodeInto(ByteBuf buf, long wallNowMillis, long requestId, MethodMetadata method, byte[] arguments,
                           long timeoutMillis, long fullTimeoutMillis, long callSeq, int attempt) {
        if (fullTimeoutMillis != this.fullTimeoutMillis) {
            this.fullTimeoutMillis = fullTimeoutMillis;
            this.fullTimeout = ascii("\r\n" + WireContract.TIMEOUT_HEADER + ": " + fullTimeoutMillis + "\r\n\r\n");
        }
        int idFrom = format(idDigits, requestId);
        int idLength = MAX_DIGITS - idFrom;
        byte[] tail = method.bodyTail();
        int length = BODY_HEAD.length + idLength + 1 + tail.length + arguments.length + 1;
        int room = maxBytes(method, arguments, timeoutMillis, fullTimeoutMillis, callSeq, attempt) - arguments.length;
        if (prefix.length < room) {
            prefix = new byte[Math.max(room, prefix.length * 2)];
        }
        int n = put(head, 0);
        n = put(CONTENT_LENGTH, n);
        n = putNumber(length, n);
        n = put(REQUEST_ID, n);
        n = put(idDigits, idFrom, idLength, n);
        // The budget as a wall-clock deadline, which a provider that reads the call late can still compare.
        n = put(DEADLINE, n);
        long deadline = wallNowMillis + timeoutMillis;
        if (deadline != deadlineValue) {
            deadlineValue = deadline;
            deadlineFrom = format(deadlineDigits, deadline);
        }
        n = put(deadlineDigits, deadlineFrom, MAX_DIGITS - deadlineFrom, n);
        if (callSeq > 0 || attempt > 0) {
            // The timeout and deadline headers, then the sequence and attempt headers, then the blank line.
            n = put(TIMEOUT, n);
            n = putNumber(timeoutMillis, n);
            if (callSeq > 0) {
                n = put(CRLF, n);
                n = put(CALL_SEQ, n);
                n = putNumber(callSeq, n);
            }
            if (attempt > 0) {
                n = put(CRLF, n);
                n = put(ATTEMPT, n);
                n = putNumber(attempt, n);
            }
            n = put(HEAD_END, n);
        } else if (timeoutMillis == fullTimeoutMillis) {
            n = put(fullTimeout, n);
        } else {
            n = put(TIMEOUT, n);
            n = putNumber(timeoutMillis, n);
            n = put(HEAD_END, n);
        }
        n = put(BODY_HEAD, n);
        n = put(idDigits, idFrom, idLength, n);
        prefix[n++] = '"';
        n = put(tail, n);
        buf.writeBytes(prefix, 0, n);
        buf.writeBytes(arguments);
        buf.writeByte('}');
    }

    private int put(byte[] bytes, int at) {
        return put(bytes, 0, bytes.length, at);
    }

    private int put(byte[] bytes, int from, int length, int at) {
        System.arraycopy(bytes, from, prefix, at, length);
        return at + length;
    }

    /** Puts a non-negative value in decimal ASCII. */
    private int putNumber(long value, int at) {
        int from = format(digits, value);
        return put(digits, from, MAX_DIGITS - from, at);
    }

    /**
     * Formats a non-negative value in decimal ASCII at the end of {@code into} ({@link #MAX_DIGITS} long); returns
     * the index of its first digit.
     */
    static int format(byte[] into, long value) {
        int i = MAX_DIGITS;
        long v = value;
        do {
            into[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return i;
    }
}
