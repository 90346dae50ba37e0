package dev.rpcharness.provider.internal.server;

import dev.rpcharness.protocol.RpcResponse;

/**
 * The body of a successful answer whose id and result are plain values, written without Jackson: exactly the bytes
 * the provider's Jackson writer gives for {@link RpcResponse#success(String, Object)}, i.e.
 * {@code {"requestId":"<id>","result":<value>}} (no {@code result} field for null). Plain means: a string of
 * printable ASCII without quote or backslash (nothing to escape), an {@code Integer}, {@code Long}, {@code Short},
 * {@code Byte} or {@code Boolean}, or null. Anything else returns null and is written by Jackson, as before.
 *
 * <p>Stateless and thread-safe.
 */
final class PlainAnswerBody {

    private static final byte[] ID_FIELD = bytes("{\"requestId\":\"");
    private static final byte[] RESULT_FIELD = bytes("\",\"result\":");

    private PlainAnswerBody() {
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The body for {@code RpcResponse.success(requestId, result)}, or null when either is not plain. */
    static byte[] of(String requestId, Object result) {
        if (requestId == null || !plain(requestId)) {
            return null;
        }
        String value;
        boolean quoted;
        if (result == null) {
            value = null;
            quoted = false;
        } else if (result instanceof String s) {
            if (!plain(s)) {
                return null;
            }
            value = s;
            quoted = true;
        } else if (result instanceof Integer || result instanceof Long || result instanceof Short
                || result instanceof Byte || result instanceof Boolean) {
            value = result.toString();
            quoted = false;
        } else {
            return null;
        }
        int length = ID_FIELD.length + requestId.length() + (value == null ? 2
                : RESULT_FIELD.length + value.length() + (quoted ? 2 : 0) + 1);
        byte[] out = new byte[length];
        int at = put(out, 0, ID_FIELD);
        at = put(out, at, requestId);
        if (value == null) {
            out[at++] = '"';
        } else {
            at = put(out, at, RESULT_FIELD);
            if (quoted) {
                out[at++] = '"';
            }
            at = put(out, at, value);
            if (quoted) {
                out[at++] = '"';
            }
        }
        out[at] = '}';
        return out;
    }

    /** Printable ASCII with nothing JSON escapes. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static int put(byte[] out, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            out[at++] = (byte) ascii.charAt(i);
        }
        return at;
    }
}
