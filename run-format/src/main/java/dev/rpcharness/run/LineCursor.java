package dev.rpcharness.run;

import java.nio.charset.StandardCharsets;

/**
 * A position in one history line's bytes, with the steps both line parsers take: over expected bytes, over blanks,
 * over a run of digits. Not thread-safe: one per parser.
 */
abstract class LineCursor {

    byte[] b;
    int p;
    int end;

    /** Starts on {@code bytes[from, to)}. */
    void reset(byte[] bytes, int from, int to) {
        b = bytes;
        p = from;
        end = to;
    }

    /** Steps over {@code expected} if the line goes on with them. */
    boolean skip(byte[] expected) {
        if (end - p < expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b[p + i] != expected[i]) {
                return false;
            }
        }
        p += expected.length;
        return true;
    }

    /** A run of 1 to 18 digits as a number (the cursor after it), or -1. */
    long digits() {
        long v = 0;
        int from = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p++] - '0');
        }
        int n = p - from;
        return n == 0 || n > 18 ? -1 : v;
    }

    void skipSpace() {
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) {
            p++;
        }
    }

    /** Whether the bytes at {@code at} are {@code name}. */
    boolean is(int at, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (b[at + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
