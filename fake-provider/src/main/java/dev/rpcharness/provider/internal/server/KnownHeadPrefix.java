package dev.rpcharness.provider.internal.server;

import java.util.Arrays;

/**
 * The start of a connection's last call head that says nothing about the call itself: the request line and the
 * header lines before the first one {@link CallRequestDecoder} reads per call ({@code Host}, {@code Content-Type},
 * the client id, say; not the request id, length, timeout, sequence, deadline or {@code Connection}). A consumer
 * sends those same bytes ahead of every call, so the decoder compares the next head's start with them at once
 * (one vectorized comparison) and parses only the rest: equal bytes were parsed and taken before, and parse the
 * same again.
 *
 * <p>Threading: the connection's event loop only, like its decoder.
 */
final class KnownHeadPrefix {

    /** The longest start remembered; a head whose constant part is longer is remembered up to a line within it. */
    static final int MAX_BYTES = 256;

    private final byte[] bytes = new byte[MAX_BYTES];
    private int length;
    private String clientId;

    /** The length of the remembered start when {@code a[0, available)} begins with it, else 0. */
    int matchedLength(byte[] a, int available) {
        int n = length;
        return n > 0 && n <= available && Arrays.equals(a, 0, n, bytes, 0, n) ? n : 0;
    }

    /** The client id the remembered start's lines named, or null. */
    String clientId() {
        return clientId;
    }

    /**
     * Remembers {@code a[0, end)}, a start the decoder parsed and took, whose lines named {@code clientId} (or
     * none); a start longer than {@link #MAX_BYTES} is not remembered.
     */
    void remember(byte[] a, int end, String clientId) {
        if (end > MAX_BYTES) {
            length = 0;
            return;
        }
        System.arraycopy(a, 0, bytes, 0, end);
        length = end;
        this.clientId = clientId;
    }
}
