package dev.rpcharness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The fields of one line of a history file, parsed without a tree: a flat JSON object whose values are strings,
 * whole numbers, booleans or null, as the recorder writes them. A line of another shape (nested values, fractions)
 * goes through Jackson instead, so any valid JSON line is read. Strings that repeat (the event kind, methods,
 * providers, error classes) come from a small cache instead of a new String each line.
 *
 * <p>Not thread-safe: one per reader; each {@link #parse} overwrites the fields of the previous line.
 */
final class HistoryLine {

    /** Kinds of event, as {@link #kind} holds them. */
    static final String HISTORY = "history";
    static final String CLIENT = "client";
    static final String START = "start";
    static final String WRITE = "write";
    static final String END = "end";
    static final String CLOSED = "closed";

    private static final int CACHE = 512;
    private static final String[] LITERALS = {"null", "true", "false"};
    private static final byte[] E_PREFIX = ascii("{\"e\":\"");
    private static final byte[] START_SEQ = ascii("start\",\"seq\":");
    private static final byte[] WRITE_SEQ = ascii("write\",\"seq\":");
    private static final byte[] END_SEQ = ascii("end\",\"seq\":");
    private static final byte[] T_KEY = ascii(",\"t\":");
    private static final byte[] METHOD_KEY = ascii(",\"method\":\"");
    private static final byte[] PROVIDER_KEY = ascii(",\"provider\":\"");
    private static final byte[] PORT_KEY = ascii("\",\"port\":");
    private static final byte[] ID_KEY = ascii(",\"id\":");
    private static final byte[] ERROR_KEY = ascii(",\"error\":\"");
    private static final byte[] CLOSE_STRING = ascii("\"}");
    private static final byte[] ID = ascii("id");
    private static final byte[] SEQ = ascii("seq");
    private static final byte[] PORT = ascii("port");
    private static final byte[] LOST = ascii("lost");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] METHOD = ascii("method");
    private static final byte[] PROVIDER = ascii("provider");
    private static final byte[] CLIENT_ID = ascii("clientId");
    private static final byte[] CALL_TIMEOUT = ascii("callTimeoutMs");

    String kind;
    long seq;
    long t;
    String method;
    String provider;
    int port;
    long id;
    String error;
    long callTimeoutMs;
    String clientId;
    long lost;

    private final byte[][] cachedBytes = new byte[CACHE][];
    private final String[] cachedStrings = new String[CACHE];
    private final ObjectMapper mapper = new ObjectMapper();
    private byte[] b;
    private int p;
    private int end;

    /**
     * Parses {@code bytes[from, to)} (a line without its newline).
     *
     * @throws IOException when it is not a JSON object
     */
    void parse(byte[] bytes, int from, int to) throws IOException {
        b = bytes;
        end = to;
        clear();
        p = from;
        if (recorderLine()) {
            return;
        }
        clear();
        p = from;
        if (fastParse()) {
            return;
        }
        clear();
        slowParse(new String(bytes, from, to - from, StandardCharsets.UTF_8));
    }

    private void clear() {
        kind = null;
        seq = 0;
        t = 0;
        method = null;
        provider = null;
        port = 0;
        id = 0;
        error = null;
        callTimeoutMs = -1;
        clientId = null;
        lost = 0;
    }

    /**
     * Parses a start, write or end line exactly as the recorder writes it (its keys in its order, no spaces, no
     * escapes); false for any other line, which {@link #fastParse} then reads.
     */
    private boolean recorderLine() {
        if (!skip(E_PREFIX) || p >= end) {
            return false;
        }
        byte first = b[p];
        String k;
        if (first == 's' && skip(START_SEQ)) {
            k = START;
        } else if (first == 'w' && skip(WRITE_SEQ)) {
            k = WRITE;
        } else if (first == 'e' && skip(END_SEQ)) {
            k = END;
        } else {
            return false;
        }
        long n = digits();
        if (n < 0 || !skip(T_KEY)) {
            return false;
        }
        seq = n;
        boolean negative = p < end && b[p] == '-';
        if (negative) {
            p++;
        }
        long time = digits();
        if (time < 0) {
            return false;
        }
        t = negative ? -time : time;
        kind = k;
        if (k == START) {
            method = plainString(METHOD_KEY);
            return method != null && skip(CLOSE_STRING) && p == end;
        }
        if (k == WRITE) {
            provider = plainString(PROVIDER_KEY);
            if (provider == null || !skip(PORT_KEY)) {
                return false;
            }
            long portNumber = digits();
            if (portNumber < 0 || portNumber > 65_535 || !skip(ID_KEY)) {
                return false;
            }
            port = (int) portNumber;
            id = digits();
            return id >= 0 && p == end - 1 && b[p] == '}';
        }
        if (p == end - 1 && b[p] == '}') {
            return true;
        }
        error = plainString(ERROR_KEY);
        return error != null && skip(CLOSE_STRING) && p == end;
    }

    /** After {@code key} (which ends with the opening quote), a string without escapes up to its closing quote. */
    private String plainString(byte[] key) {
        if (!skip(key)) {
            return null;
        }
        int from = p;
        while (p < end && b[p] != '"') {
            if (b[p] == '\\') {
                return null;
            }
            p++;
        }
        return p < end ? text(from, p, false) : null;
    }

    /** A run of 1 to 18 digits as a number, or -1. */
    private long digits() {
        long v = 0;
        int from = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p++] - '0');
        }
        int n = p - from;
        return n == 0 || n > 18 ? -1 : v;
    }

    /** Steps over {@code bytes} if the line goes on with them. */
    private boolean skip(byte[] bytes) {
        if (end - p < bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (b[p + i] != bytes[i]) {
                return false;
            }
        }
        p += bytes.length;
        return true;
    }

    /** Parses a flat object; false (fields half set) when the line needs the general parser. */
    private boolean fastParse() {
        skipSpace();
        if (p >= end || b[p++] != '{') {
            return false;
        }
        skipSpace();
        if (p < end && b[p] == '}') {
            return true;
        }
        while (true) {
            skipSpace();
            if (p >= end || b[p] != '"') {
                return false;
            }
            int keyFrom = ++p;
            while (p < end && b[p] != '"') {
                if (b[p] == '\\') {
                    return false;
                }
                p++;
            }
            if (p >= end) {
                return false;
            }
            int keyTo = p++;
            skipSpace();
            if (p >= end || b[p++] != ':') {
                return false;
            }
            skipSpace();
            if (p >= end || !value(keyFrom, keyTo - keyFrom)) {
                return false;
            }
            skipSpace();
            if (p >= end) {
                return false;
            }
            byte c = b[p++];
            if (c == '}') {
                skipSpace();
                return p == end;
            }
            if (c != ',') {
                return false;
            }
        }
    }

    /** Which field a key names (the keys a history line has, by length then bytes), else 0. */
    private int field(int key, int keyLength) {
        return switch (keyLength) {
            case 1 -> b[key] == 'e' ? 'e' : b[key] == 't' ? 't' : 0;
            case 2 -> is(key, ID) ? 'i' : 0;
            case 3 -> is(key, SEQ) ? 's' : 0;
            case 4 -> is(key, PORT) ? 'p' : is(key, LOST) ? 'l' : 0;
            case 5 -> is(key, ERROR) ? 'x' : 0;
            case 6 -> is(key, METHOD) ? 'm' : 0;
            case 8 -> is(key, PROVIDER) ? 'v' : is(key, CLIENT_ID) ? 'k' : 0;
            case 13 -> is(key, CALL_TIMEOUT) ? 'c' : 0;
            default -> 0;
        };
    }

    /** Whether the key at {@code key} (of {@code name}'s length) is {@code name}. */
    private boolean is(int key, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (b[key + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean value(int key, int keyLength) {
        byte c = b[p];
        if (c == '"') {
            int from = ++p;
            boolean escaped = false;
            while (p < end && b[p] != '"') {
                if (b[p] == '\\') {
                    escaped = true;
                    p++;
                }
                p++;
            }
            if (p >= end) {
                return false;
            }
            int to = p++;
            switch (field(key, keyLength)) {
                case 'e' -> kind = text(from, to, escaped);
                case 'm' -> method = text(from, to, escaped);
                case 'v' -> provider = text(from, to, escaped);
                case 'x' -> error = text(from, to, escaped);
                case 'k' -> clientId = text(from, to, escaped);
                default -> {
                    // a field the checker does not read (wall time, description)
                }
            }
            return true;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            boolean negative = c == '-';
            if (negative) {
                p++;
            }
            long v = 0;
            int digits = 0;
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                v = v * 10 + (b[p++] - '0');
                digits++;
            }
            if (digits == 0 || digits > 18 || (p < end && (b[p] == '.' || b[p] == 'e' || b[p] == 'E'))) {
                return false;
            }
            number(field(key, keyLength), negative ? -v : v);
            return true;
        }
        for (String literal : LITERALS) {
            if (startsWith(literal)) {
                p += literal.length();
                return true;
            }
        }
        return false; // a nested object or array, or not JSON: the general parser decides
    }

    private void number(int field, long v) {
        switch (field) {
            case 's' -> seq = v;
            case 't' -> t = v;
            case 'p' -> port = (int) v;
            case 'i' -> id = v;
            case 'c' -> callTimeoutMs = v;
            case 'l' -> lost = v;
            default -> {
                // a number the checker does not read (origin)
            }
        }
    }

    private void slowParse(String line) throws IOException {
        JsonNode n = mapper.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IOException("not a JSON object");
        }
        kind = n.hasNonNull("e") ? n.get("e").asText() : null;
        seq = n.path("seq").asLong();
        t = n.path("t").asLong();
        method = n.hasNonNull("method") ? n.get("method").asText() : null;
        provider = n.hasNonNull("provider") ? n.get("provider").asText() : null;
        port = n.path("port").asInt();
        id = n.path("id").asLong();
        error = n.hasNonNull("error") ? n.get("error").asText() : null;
        callTimeoutMs = n.path("callTimeoutMs").asLong(-1);
        clientId = n.hasNonNull("clientId") ? n.get("clientId").asText() : null;
        lost = n.path("lost").asLong();
    }

    private boolean startsWith(String literal) {
        if (end - p < literal.length()) {
            return false;
        }
        for (int i = 0; i < literal.length(); i++) {
            if (b[p + i] != literal.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void skipSpace() {
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) {
            p++;
        }
    }

    /** The string {@code b[from, to)} (JSON-escaped when {@code escaped}), from the cache when seen before. */
    private String text(int from, int to, boolean escaped) {
        if (escaped) {
            return unescape(from, to);
        }
        int hash = 1;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + b[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (CACHE - 1);
        byte[] known = cachedBytes[slot];
        if (known != null && known.length == to - from
                && java.util.Arrays.equals(known, 0, known.length, b, from, to)) {
            return cachedStrings[slot];
        }
        String s = new String(b, from, to - from, StandardCharsets.UTF_8);
        cachedBytes[slot] = java.util.Arrays.copyOfRange(b, from, to);
        cachedStrings[slot] = s;
        return s;
    }

    private String unescape(int from, int to) {
        String raw = new String(b, from, to - from, StandardCharsets.UTF_8);
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

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
