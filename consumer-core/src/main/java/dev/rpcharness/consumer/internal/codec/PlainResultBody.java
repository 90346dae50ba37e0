package dev.rpcharness.consumer.internal.codec;

/**
 * Reads, without a JSON parser, the one result body shape that dominates a load run: exactly
 * {@code {"requestId":"<id>","result":"<value>"}} where the id and the value are printable ASCII without quote or
 * backslash (nothing escaped), the bytes a provider's JSON writer gives for a plain string result. Such a body is
 * one well-formed JSON object whose {@code result} is that string, so for a {@code String} return type the answer is
 * the one the parser would give. Anything else (white space, another field order, another field, an escape, a
 * non-ASCII byte, bytes after the object) is not plain: the caller falls back to the parser, which judges it.
 *
 * <p>Stateless and thread-safe.
 */
final class PlainResultBody {

    private static final byte[] HEAD = ascii("{\"requestId\":\"");
    private static final byte[] MIDDLE = ascii("\",\"result\":\"");
    private static final byte[] TAIL = ascii("\"}");

    private PlainResultBody() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The result string of a plain body in {@code body[offset, offset + length)}, or null when it is not plain. */
    static String result(byte[] body, int offset, int length) {
        int end = offset + length;
        if (length < HEAD.length + MIDDLE.length + TAIL.length || !startsWith(body, offset, end, HEAD)
                || !startsWith(body, end - TAIL.length, end, TAIL)) {
            return null;
        }
        int idEnd = plainRun(body, offset + HEAD.length, end);
        if (idEnd < 0 || !startsWith(body, idEnd, end, MIDDLE)) {
            return null;
        }
        int valueStart = idEnd + MIDDLE.length;
        int valueEnd = plainRun(body, valueStart, end);
        if (valueEnd != end - TAIL.length) {
            return null;
        }
        return new String(body, valueStart, valueEnd - valueStart, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The index of the first quote from {@code from}, when every byte before it is plain; -1 otherwise. */
    private static int plainRun(byte[] body, int from, int end) {
        for (int i = from; i < end; i++) {
            byte b = body[i];
            if (b == '"') {
                return i;
            }
            if (b < 0x20 || b > 0x7e || b == '\\') {
                return -1;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] body, int at, int end, byte[] prefix) {
        if (at + prefix.length > end) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
