package dev.rpcharness.run;

/**
 * Reads a start, write (with or without its attempt number) or end line written exactly as the recorder writes it (its keys in its order, no blanks, no
 * escapes) by matching its bytes: the common case, and the cheapest. Any other line is left to {@link FlatJsonLine}.
 * Not thread-safe: one per reader.
 */
final class RecorderLine extends LineCursor {

    private static final byte[] E_PREFIX = ascii("{\"e\":\"");
    private static final byte[] START_SEQ = ascii("start\",\"seq\":");
    private static final byte[] WRITE_SEQ = ascii("write\",\"seq\":");
    private static final byte[] END_SEQ = ascii("end\",\"seq\":");
    private static final byte[] T_KEY = ascii(",\"t\":");
    private static final byte[] METHOD_KEY = ascii(",\"method\":\"");
    private static final byte[] PROVIDER_KEY = ascii(",\"provider\":\"");
    private static final byte[] PORT_KEY = ascii("\",\"port\":");
    private static final byte[] ID_KEY = ascii(",\"id\":");
    private static final byte[] ATTEMPT_KEY = ascii(",\"attempt\":");
    private static final byte[] ERROR_KEY = ascii(",\"error\":\"");
    private static final byte[] CLOSE_STRING = ascii("\"}");

    private final StringCache strings;

    RecorderLine(StringCache strings) {
        this.strings = strings;
    }

    /** Reads {@code bytes[from, to)} into {@code out}; false (out half set) when it is not such a line. */
    boolean parse(byte[] bytes, int from, int to, HistoryLine out) {
        reset(bytes, from, to);
        if (!skip(E_PREFIX) || p >= end) {
            return false;
        }
        byte first = b[p];
        String kind;
        if (first == 's' && skip(START_SEQ)) {
            kind = HistoryLine.START;
        } else if (first == 'w' && skip(WRITE_SEQ)) {
            kind = HistoryLine.WRITE;
        } else if (first == 'e' && skip(END_SEQ)) {
            kind = HistoryLine.END;
        } else {
            return false;
        }
        long seq = digits();
        if (seq < 0 || !skip(T_KEY)) {
            return false;
        }
        boolean negative = p < end && b[p] == '-';
        if (negative) {
            p++;
        }
        long time = digits();
        if (time < 0) {
            return false;
        }
        out.kind = kind;
        out.seq = seq;
        out.t = negative ? -time : time;
        if (kind == HistoryLine.START) {
            out.method = plainString(METHOD_KEY);
            return out.method != null && skip(CLOSE_STRING) && p == end;
        }
        if (kind == HistoryLine.WRITE) {
            out.provider = plainString(PROVIDER_KEY);
            if (out.provider == null || !skip(PORT_KEY)) {
                return false;
            }
            long port = digits();
            if (port < 0 || port > 65_535 || !skip(ID_KEY)) {
                return false;
            }
            out.port = (int) port;
            out.id = digits();
            if (out.id < 0) {
                return false;
            }
            if (p < end && b[p] == ',') {
                long attempt = skip(ATTEMPT_KEY) ? digits() : -1;
                if (attempt < 0 || attempt > Integer.MAX_VALUE) {
                    return false;
                }
                out.attempt = (int) attempt;
            }
            return p == end - 1 && b[p] == '}';
        }
        if (p == end - 1 && b[p] == '}') {
            return true;
        }
        out.error = plainString(ERROR_KEY);
        return out.error != null && skip(CLOSE_STRING) && p == end;
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
        return p < end ? strings.text(b, from, p, false) : null;
    }
}
