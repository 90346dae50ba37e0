package dev.rpcharness.run;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings of history lines that repeat (event kinds, methods, providers, error classes, the client id): a small
 * cache by the bytes' hash, so a line's string costs no new String when it was seen lately. JSON escapes are decoded
 * (those strings are not cached). Not thread-safe: one per reader.
 */
final class StringCache {

    private static final int SLOTS = 512;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];

    /** The string in {@code b[from, to)} (the inside of a JSON string, JSON-escaped when {@code escaped}). */
    String text(byte[] b, int from, int to, boolean escaped) {
        if (escaped) {
            return unescape(new String(b, from, to - from, StandardCharsets.UTF_8));
        }
        int hash = 1;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + b[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        byte[] known = bytes[slot];
        if (known != null && known.length == to - from && Arrays.equals(known, 0, known.length, b, from, to)) {
            return strings[slot];
        }
        String s = new String(b, from, to - from, StandardCharsets.UTF_8);
        bytes[slot] = Arrays.copyOfRange(b, from, to);
        strings[slot] = s;
        return s;
    }

    private static String unescape(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\' || i + 1 >= raw.length()) {
                out.append(c);
                continue;
            }
            char e = raw.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    int code = i + 4 < raw.length() ? hex(raw, i + 1) : -1;
                    if (code < 0) {
                        out.append("\\u");
                    } else {
                        out.append((char) code);
                        i += 4;
                    }
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static int hex(String s, int from) {
        int v = 0;
        for (int i = from; i < from + 4; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
