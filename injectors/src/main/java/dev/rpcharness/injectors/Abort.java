package dev.rpcharness.injectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who aborted a run, why and when: the content of the run's {@code abort} node (see {@link RunAbort}).
 *
 * <p>An immutable value; stored as the JSON {@code {"injector":"injector-1","reason":"...","atMillis":1733511111000}}
 * and read back strictly: a missing or mistyped field is refused with its name.
 *
 * @param injector the injector that aborted the run, {@code injector-<index>}
 * @param reason why, in the aborting injector's words (its SLO breach, for example)
 * @param atMillis when, on the aborting injector's wall clock (epoch milliseconds)
 */
public record Abort(String injector, String reason, long atMillis) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates. */
    public Abort {
        Objects.requireNonNull(injector, "injector");
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("an abort needs a reason");
        }
        if (atMillis < 0) {
            throw new IllegalArgumentException("atMillis must not be negative, was " + atMillis);
        }
    }

    /** When, as an instant on the aborting injector's clock. */
    public Instant at() {
        return Instant.ofEpochMilli(atMillis);
    }

    byte[] toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("injector", injector);
        fields.put("reason", reason);
        fields.put("atMillis", atMillis);
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("abort by " + injector + " cannot be written as JSON", e);
        }
    }

    static Abort fromJson(byte[] bytes) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("abort is not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("abort must be a JSON object, was " + node);
        }
        JsonNode at = node.get("atMillis");
        if (at == null || !at.isIntegralNumber() || !at.canConvertToLong()) {
            throw new IllegalArgumentException("abort field 'atMillis' must be an integer, was " + at);
        }
        return new Abort(text(node, "injector"), text(node, "reason"), at.asLong());
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("abort field '" + name + "' must be a string, was " + value);
        }
        return value.asText();
    }
}
