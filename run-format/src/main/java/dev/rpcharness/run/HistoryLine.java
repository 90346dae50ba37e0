package dev.rpcharness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The fields of one line of a history file (an attempt's, a policy's or the budget's too: docs/history.md). A start, write or end line as the recorder writes it is read by
 * matching its bytes ({@link RecorderLine}); any other flat JSON object without a tree ({@link FlatJsonLine}); a
 * line of another shape (nested values, fractions) through Jackson, so any valid JSON line is read.
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
    static final String ATTEMPT = "attempt";
    static final String ATTEMPT_END = "attemptEnd";
    static final String POLICY = "policy";
    static final String BUDGET = "budget";

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
    int attempt;
    int maxAttempts;
    boolean idempotent;
    boolean hedged;
    int maxTokens;
    double tokenRatio;

    private final StringCache strings = new StringCache();
    private final RecorderLine recorderLine = new RecorderLine(strings);
    private final FlatJsonLine flatLine = new FlatJsonLine(strings);
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * Parses {@code bytes[from, to)} (a line without its newline).
     *
     * @throws IOException when it is not a JSON object
     */
    void parse(byte[] bytes, int from, int to) throws IOException {
        clear();
        if (recorderLine.parse(bytes, from, to, this)) {
            return;
        }
        clear();
        if (flatLine.parse(bytes, from, to, this)) {
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
        attempt = 0;
        maxAttempts = 0;
        idempotent = false;
        hedged = false;
        maxTokens = 0;
        tokenRatio = 0;
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
        attempt = n.path("attempt").asInt();
        maxAttempts = n.path("maxAttempts").asInt();
        idempotent = n.path("idempotent").asBoolean();
        hedged = n.path("hedged").asBoolean();
        maxTokens = n.path("maxTokens").asInt();
        tokenRatio = n.path("tokenRatio").asDouble();
    }
}
