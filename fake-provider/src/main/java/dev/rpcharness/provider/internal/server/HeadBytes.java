package dev.rpcharness.provider.internal.server;

import dev.rpcharness.protocol.HttpBytes;
import dev.rpcharness.protocol.WireContract;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes {@link CallHead} reads a call head by: the lower-case names of the headers it reads, which bytes may
 * stand in a header name or value on the fast path (one table look-up each), and a name comparison that folds case
 * with one OR. Stateless; any thread.
 */
final class HeadBytes {

    // The lower-case names of the headers a call head is read by, and the two Connection values taken.
    static final byte[] CONTENT_LENGTH = HttpBytes.lowerCaseAscii("Content-Length");
    static final byte[] REQUEST_ID = HttpBytes.lowerCaseAscii(WireContract.REQUEST_ID_HEADER);
    static final byte[] TIMEOUT = HttpBytes.lowerCaseAscii(WireContract.TIMEOUT_HEADER);
    static final byte[] CALL_SEQ = HttpBytes.lowerCaseAscii(WireContract.CALL_SEQ_HEADER);
    static final byte[] CLIENT_ID = HttpBytes.lowerCaseAscii(WireContract.CLIENT_ID_HEADER);
    static final byte[] DEADLINE = HttpBytes.lowerCaseAscii(WireContract.DEADLINE_HEADER);
    static final byte[] CONNECTION = HttpBytes.lowerCaseAscii("Connection");
    static final byte[] TRANSFER_ENCODING = HttpBytes.lowerCaseAscii("Transfer-Encoding");
    static final byte[] EXPECT = HttpBytes.lowerCaseAscii("Expect");
    static final byte[] CLOSE = HttpBytes.lowerCaseAscii("close");
    static final byte[] KEEP_ALIVE = HttpBytes.lowerCaseAscii("keep-alive");

    /** Bytes that may stand in a header name (RFC 9110 tchar), by unsigned value. */
    private static final boolean[] TOKEN = new boolean[256];
    /** Bytes the fast path takes in a header value: printable ASCII and the tab, by unsigned value. */
    private static final boolean[] VALUE = new boolean[256];

    static {
        for (byte[] name : List.of(REQUEST_ID, CONTENT_LENGTH, TIMEOUT, CALL_SEQ, CLIENT_ID, DEADLINE, CONNECTION,
                TRANSFER_ENCODING, EXPECT)) {
            for (byte b : name) {
                if (b != '-' && (b < 'a' || b > 'z')) {
                    throw new ExceptionInInitializerError("a header name the fast path folds by OR 0x20 holds '"
                            + (char) b + "': " + new String(name, StandardCharsets.US_ASCII));
                }
            }
        }
        for (int b = 0; b < 128; b++) {
            TOKEN[b] = HttpBytes.isTokenChar((byte) b);
            VALUE[b] = b >= 0x20 && b < 0x7f || b == '\t';
        }
    }

    private HeadBytes() {
    }

    /** Whether {@code b} may stand in a header name (an RFC 9110 tchar). */
    static boolean isToken(byte b) {
        return TOKEN[b & 0xff];
    }

    /** Whether the fast path takes {@code b} in a header value: printable ASCII or the tab. */
    static boolean isValue(byte b) {
        return VALUE[b & 0xff];
    }

    /**
     * Whether the {@code length} token characters at {@code from} (a name {@link CallHead#parse} checked) spell
     * {@code lower}, ignoring ASCII case. The names read here hold only lower-case letters and hyphens (checked
     * when the class loads), so one OR with 0x20 folds each token byte: only 'A'-'Z' and 'a'-'z' fold onto a
     * letter, and only the hyphen (carriage return is no token character) onto a hyphen.
     */
    static boolean nameIs(byte[] a, int from, int length, byte[] lower) {
        if (length != lower.length) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < lower.length; i++) {
            diff |= (a[from + i] | 0x20) ^ lower[i];
        }
        return diff == 0;
    }
}
