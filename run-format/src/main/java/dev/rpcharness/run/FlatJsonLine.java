package dev.rpcharness.run;

/**
 * Reads a history line that is a flat JSON object (keys in any order, blanks, escapes; values strings, whole
 * numbers, booleans or null) without building a tree. A line with nested values or fractions is left to Jackson
 * ({@link HistoryLine}). Not thread-safe: one per reader.
 */
final class FlatJsonLine extends LineCursor {

    private static final byte[][] LITERALS = {ascii("null"), ascii("true"), ascii("false")};
    private static final byte[] ID = ascii("id");
    private static final byte[] SEQ = ascii("seq");
    private static final byte[] PORT = ascii("port");
    private static final byte[] LOST = ascii("lost");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] METHOD = ascii("method");
    private static final byte[] PROVIDER = ascii("provider");
    private static final byte[] CLIENT_ID = ascii("clientId");
    private static final byte[] CALL_TIMEOUT = ascii("callTimeoutMs");
    private static final byte[] ATTEMPT = ascii("attempt");
    private static final byte[] HEDGED = ascii("hedged");
    private static final byte[] MAX_TOKENS = ascii("maxTokens");
    private static final byte[] IDEMPOTENT = ascii("idempotent");
    private static final byte[] MAX_ATTEMPTS = ascii("maxAttempts");


    private final StringCache strings;
    private HistoryLine out;

    FlatJsonLine(StringCache strings) {
        this.strings = strings;
    }

    /** Reads {@code bytes[from, to)} into {@code line}; false (line half set) when it needs the general parser. */
    boolean parse(byte[] bytes, int from, int to, HistoryLine line) {
        reset(bytes, from, to);
        out = line;
        skipSpace();
        if (p >= end || b[p++] != '{') {
            return false;
        }
        skipSpace();
        if (p < end && b[p] == '}') {
            p++;
            skipSpace();
            return p == end;
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
            if (p >= end || !value(field(keyFrom, keyTo - keyFrom))) {
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
            case 6 -> is(key, METHOD) ? 'm' : is(key, HEDGED) ? 'h' : 0;
            case 7 -> is(key, ATTEMPT) ? 'a' : 0;
            case 8 -> is(key, PROVIDER) ? 'v' : is(key, CLIENT_ID) ? 'k' : 0;
            case 9 -> is(key, MAX_TOKENS) ? 'T' : 0;
            case 10 -> is(key, IDEMPOTENT) ? 'd' : 0;
            case 11 -> is(key, MAX_ATTEMPTS) ? 'M' : 0;
            case 13 -> is(key, CALL_TIMEOUT) ? 'c' : 0;
            default -> 0;
        };
    }

    private boolean value(int field) {
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
            switch (field) {
                case 'e' -> out.kind = strings.text(b, from, to, escaped);
                case 'm' -> out.method = strings.text(b, from, to, escaped);
                case 'v' -> out.provider = strings.text(b, from, to, escaped);
                case 'x' -> out.error = strings.text(b, from, to, escaped);
                case 'k' -> out.clientId = strings.text(b, from, to, escaped);
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
            long v = digits();
            if (v < 0 || (p < end && (b[p] == '.' || b[p] == 'e' || b[p] == 'E'))) {
                return false;
            }
            number(field, negative ? -v : v);
            return true;
        }
        for (byte[] literal : LITERALS) {
            if (skip(literal)) {
                boolean yes = literal == LITERALS[1];
                if (field == 'd') {
                    out.idempotent = yes;
                } else if (field == 'h') {
                    out.hedged = yes;
                }
                return true;
            }
        }
        return false; // a nested object or array, or not JSON: the general parser decides
    }

    private void number(int field, long v) {
        switch (field) {
            case 's' -> out.seq = v;
            case 't' -> out.t = v;
            case 'p' -> out.port = (int) v;
            case 'i' -> out.id = v;
            case 'c' -> out.callTimeoutMs = v;
            case 'l' -> out.lost = v;
            case 'a' -> out.attempt = (int) v;
            case 'M' -> out.maxAttempts = (int) v;
            case 'T' -> out.maxTokens = (int) v;
            default -> {
                // a number the checker does not read (origin)
            }
        }
    }
}
