package dev.rpcharness.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Byte-level pieces of HTTP/1.1 parsing shared by the fast paths of the consumer (responses) and the fake provider
 * (requests): header-name characters, ASCII case-insensitive name matching and bounded decimal numbers. Stateless;
 * any thread.
 */
public final class HttpBytes {

    /** A header name character (RFC 9110 tchar). */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private HttpBytes() {
    }

    /** Whether {@code b} may appear in a header name (an RFC 9110 tchar). */
    public static boolean isTokenChar(byte b) {
        return b >= 0 && TOKEN[b];
    }

    /** The lower-case ASCII bytes of a header name or value, for {@link #equalsLowerCase}. */
    public static byte[] lowerCaseAscii(String s) {
        return s.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the {@code length} bytes at {@code from} equal {@code lower}, ignoring ASCII case. */
    public static boolean equalsLowerCase(byte[] a, int from, int length, byte[] lower) {
        if (length != lower.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = a[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The decimal number in {@code a[from, to)}, or -1 when it is empty, longer than {@code maxDigits} (at most 18,
     * so it fits a long) or holds anything but digits.
     */
    public static long decimal(byte[] a, int from, int to, int maxDigits) {
        if (from == to || to - from > Math.min(maxDigits, 18)) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            byte b = a[i];
            if (b < '0' || b > '9') {
                return -1;
            }
            v = v * 10 + (b - '0');
        }
        return v;
    }
}
