package dev.rpcharness.provider.internal.server;

import static dev.rpcharness.protocol.HttpBytes.equalsLowerCase;

import dev.rpcharness.protocol.HttpBytes;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the head of a plain call for {@link CallRequestDecoder}: the request line {@code POST /rpc HTTP/1.1},
 * header lines of token-character names and printable values, one {@code Content-Length} within the limit, and the
 * headers a call reads ({@code X-Rpc-Request-Id}, the timeout, call sequence, client id and deadline, once each; a
 * {@code Connection} of {@code close} or {@code keep-alive}). Anything else is declined ({@link #FALL_BACK}) for
 * Netty's decoder to judge; the fast path only takes what Netty would decode to the same headers.
 *
 * <p>Cost per call: one pass over each header line, each byte one table look-up; the numbers read from the bytes,
 * not from strings; and the start of the head a consumer repeats on every call (request line, {@code Host},
 * {@code Content-Type}, its client id) compared with the connection's last such start in one step and not parsed
 * again ({@link KnownHeadPrefix}).
 *
 * <p>Threading: the connection's event loop only; one per connection (it remembers the connection's last start and
 * client id). The values describe the last head {@link #parse} took, until the next parse.
 */
final class CallHead {

    /** The head does not end within the bytes given. */
    static final int NEED_MORE = 0;
    /** The request is not one the fast path takes. */
    static final int FALL_BACK = -1;

    private static final byte[] REQUEST_LINE = ("POST " + WireContract.CALL_PATH + " HTTP/1.1\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    /** The length of the one request line taken. */
    static final int REQUEST_LINE_LENGTH = REQUEST_LINE.length;
    private static final int CONNECTION_ABSENT = 0;
    private static final int CONNECTION_KEEP_ALIVE = 1;
    private static final int CONNECTION_CLOSE = 2;

    private static final int SEEN_TIMEOUT = 1;
    private static final int SEEN_CALL_SEQ = 2;
    private static final int SEEN_DEADLINE = 4;

    private final long maxBodyBytes;
    /** Heads parsed (every attempt, complete or not) on this connection. For tests. */
    private int parses;
    /** Heads whose start matched the connection's known start (parsed from after it). For tests. */
    private int prefixHits;
    /** The start of the last head that said nothing per call; the next head's equal start is not parsed again. */
    private final KnownHeadPrefix knownPrefix = new KnownHeadPrefix();
    // What the parse of the current request's head found; reset per request.
    private long contentLength;
    private String requestId;
    private long budgetNanos;
    private long callSeq;
    private String clientId;
    private long deadlineMillis;
    private int connection;
    /** The call headers this head has named so far ({@link #SEEN_TIMEOUT} and the others): a second one falls back. */
    private int seen;
    /** The last client id read on this connection: the next request's equal one reuses the string. */
    private String lastClientId;

    /** @param maxBodyBytes the largest body taken (a larger {@code Content-Length} falls back) */
    CallHead(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** How many times a head was parsed (every attempt, complete or not). For tests. */
    int parses() {
        return parses;
    }

    /** How many heads started with the connection's known start and were parsed only from after it. For tests. */
    int prefixHits() {
        return prefixHits;
    }

    /** The body length of the head last taken. */
    int contentLength() {
        return (int) contentLength;
    }

    /** The call of the head last taken, with its body. */
    CallRequest request(ByteBuf body) {
        return new CallRequest(requestId, budgetNanos, callSeq, clientId, deadlineMillis,
                connection != CONNECTION_CLOSE, body);
    }

    /**
     * Parses the head at the start of {@code a} ({@code length} bytes of the input); returns the head's length, or
     * {@link #NEED_MORE} when it does not end within them, or {@link #FALL_BACK}.
     *
     * <p>One pass over each header line: the name's bytes while they are token characters, its colon, the value's
     * bytes while they may stand in a value (printable ASCII or a tab), then its CRLF; any other byte where it
     * stands makes the request Netty's. Each byte is one table look-up.
     */
    int parse(byte[] a, int length) {
        parses++;
        int n = Math.min(length, REQUEST_LINE.length);
        if (!Arrays.equals(a, 0, n, REQUEST_LINE, 0, n)) {
            return FALL_BACK;
        }
        if (n < REQUEST_LINE.length) {
            return NEED_MORE;
        }
        contentLength = -1;
        requestId = null;
        budgetNanos = 0L;
        callSeq = 0L;
        deadlineMillis = 0L;
        seen = 0;
        connection = CONNECTION_ABSENT;
        int pos = knownPrefix.matchedLength(a, length);
        boolean fromKnown = pos > 0;
        // While open, the lines parsed so far say nothing per call: the start a next head may repeat ends at
        // prefixEnd. Closed from the outset when this head starts with the known start already.
        boolean prefixOpen = !fromKnown;
        if (fromKnown) {
            prefixHits++;
            clientId = knownPrefix.clientId();
        } else {
            clientId = null;
            pos = REQUEST_LINE.length;
        }
        int prefixEnd = pos;
        String prefixClientId = clientId;
        while (true) {
            if (pos + 1 >= length) {
                return NEED_MORE; // readHead tells a head too long for the fast path from one not all here
            }
            if (a[pos] == '\r' && a[pos + 1] == '\n') { // the empty line: the head ends
                if (contentLength < 0 || contentLength > maxBodyBytes) {
                    return FALL_BACK;
                }
                if (!fromKnown && prefixEnd > REQUEST_LINE.length) {
                    knownPrefix.remember(a, prefixEnd, prefixClientId);
                }
                return pos + 2;
            }
            int colon = pos;
            while (colon < length && HeadBytes.isToken(a[colon])) {
                colon++;
            }
            if (colon == length) {
                return NEED_MORE;
            }
            if (colon == pos || a[colon] != ':') {
                return FALL_BACK; // a bare line feed, a blank or other byte in a name, no name, no colon
            }
            int cr = colon + 1;
            while (cr < length && HeadBytes.isValue(a[cr])) {
                cr++;
            }
            if (cr + 1 >= length) {
                return NEED_MORE;
            }
            int kind = a[cr] == '\r' && a[cr + 1] == '\n' ? header(a, pos, colon, cr) : REFUSED;
            if (kind == REFUSED) {
                return FALL_BACK; // a control or non-ASCII byte in a value, a bare line feed or carriage return
            }
            pos = cr + 2;
            if (prefixOpen && kind == CONSTANT) {
                prefixEnd = pos;
                prefixClientId = clientId;
            } else {
                prefixOpen = false;
            }
        }
    }

    /** {@link #header}: a header the fast path does not take (the request falls back). */
    private static final int REFUSED = 0;
    /** {@link #header}: a header the call reads per call; it ends the start a next head may repeat. */
    private static final int PER_CALL = 1;
    /** {@link #header}: the client id, or a header no call reads (Host, Content-Type): the same on every call. */
    private static final int CONSTANT = 2;

    /**
     * Reads one header: its name {@code [from, colon)} (token characters) and value {@code (colon, to)} (value
     * bytes, blanks around it not yet trimmed); {@link #REFUSED}, {@link #PER_CALL} or {@link #CONSTANT}.
     */
    private int header(byte[] a, int from, int colon, int to) {
        int valueStart = colon + 1;
        int valueEnd = to;
        while (valueStart < valueEnd && blank(a[valueStart])) {
            valueStart++;
        }
        while (valueEnd > valueStart && blank(a[valueEnd - 1])) {
            valueEnd--;
        }
        int n = colon - from;
        if (HeadBytes.nameIs(a, from, n, HeadBytes.CLIENT_ID)) {
            if (clientId != null) {
                return REFUSED;
            }
            clientId = clientId(a, valueStart, valueEnd);
            return CONSTANT;
        }
        if (HeadBytes.nameIs(a, from, n, HeadBytes.REQUEST_ID)) {
            if (requestId != null) {
                return REFUSED;
            }
            requestId = ascii(a, valueStart, valueEnd);
        } else if (HeadBytes.nameIs(a, from, n, HeadBytes.CONTENT_LENGTH)) {
            if (contentLength >= 0) {
                return REFUSED;
            }
            contentLength = HttpBytes.decimal(a, valueStart, valueEnd, 18);
            return contentLength >= 0 ? PER_CALL : REFUSED;
        } else if (HeadBytes.nameIs(a, from, n, HeadBytes.TIMEOUT)) {
            if (!firstOf(SEEN_TIMEOUT)) {
                return REFUSED;
            }
            budgetNanos = CallHeaders.budgetNanos(CallHeaders.positiveDecimal(a, valueStart, valueEnd));
        } else if (HeadBytes.nameIs(a, from, n, HeadBytes.CALL_SEQ)) {
            if (!firstOf(SEEN_CALL_SEQ)) {
                return REFUSED;
            }
            callSeq = CallHeaders.positiveDecimal(a, valueStart, valueEnd);
        } else if (HeadBytes.nameIs(a, from, n, HeadBytes.DEADLINE)) {
            if (!firstOf(SEEN_DEADLINE)) {
                return REFUSED;
            }
            deadlineMillis = CallHeaders.positiveDecimal(a, valueStart, valueEnd);
        } else if (HeadBytes.nameIs(a, from, n, HeadBytes.CONNECTION)) {
            if (connection != CONNECTION_ABSENT) {
                return REFUSED;
            }
            int length = valueEnd - valueStart;
            connection = equalsLowerCase(a, valueStart, length, HeadBytes.CLOSE) ? CONNECTION_CLOSE
                    : equalsLowerCase(a, valueStart, length, HeadBytes.KEEP_ALIVE) ? CONNECTION_KEEP_ALIVE
                    : CONNECTION_ABSENT;
            return connection != CONNECTION_ABSENT ? PER_CALL : REFUSED;
        } else if (HeadBytes.nameIs(a, from, n, HeadBytes.TRANSFER_ENCODING)
                || HeadBytes.nameIs(a, from, n, HeadBytes.EXPECT)) {
            return REFUSED;
        } else {
            return CONSTANT;
        }
        return PER_CALL;
    }

    /** Marks the call header {@code bit} seen in this head; false when it was already (a duplicate falls back). */
    private boolean firstOf(int bit) {
        boolean first = (seen & bit) == 0;
        seen |= bit;
        return first;
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
