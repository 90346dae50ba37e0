package dev.rpcharness.injectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One injector's progress as it publishes it to its {@code progress/<id>} node every interval of a
 * {@link ProgressBoard}: what it has done since the run started and how slow its last interval was.
 *
 * <p>An immutable value; stored as the JSON {@code {"injector":"injector-1","calls":1204,"errors":0,
 * "p99Micros":12300,"atMillis":1733511111000}} and read back strictly: a missing, non-integral or negative field is
 * refused with its name.
 *
 * @param injector the injector's name, {@code injector-<index>}
 * @param calls the calls it has made so far (ended, ok or not), never decreasing during a run
 * @param errors how many of those calls failed so far
 * @param p99Micros the 99th percentile of the latency of the calls that ended in its last interval, in microseconds
 *     (0 when none ended)
 * @param atMillis when the injector took these numbers, on its own wall clock (epoch milliseconds); two of one
 *     injector's samples give its call rate, whatever its clock's offset to the others
 */
public record Progress(String injector, long calls, long errors, long p99Micros, long atMillis) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates. */
    public Progress {
        Objects.requireNonNull(injector, "injector");
        requireNotNegative("calls", calls);
        requireNotNegative("errors", errors);
        requireNotNegative("p99Micros", p99Micros);
        requireNotNegative("atMillis", atMillis);
        if (errors > calls) {
            throw new IllegalArgumentException("errors (" + errors + ") cannot exceed calls (" + calls + ")");
        }
    }

    /** A sample taken now, on this JVM's wall clock. */
    public static Progress now(String injector, long calls, long errors, long p99Micros) {
        return new Progress(injector, calls, errors, p99Micros, System.currentTimeMillis());
    }

    private static void requireNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    /** The JSON of its node. */
    byte[] toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("injector", injector);
        fields.put("calls", calls);
        fields.put("errors", errors);
        fields.put("p99Micros", p99Micros);
        fields.put("atMillis", atMillis);
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write progress " + this, e);
        }
    }

    /**
     * Reads a node's JSON.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong, or saying the text is no JSON
     */
    static Progress fromJson(byte[] json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("progress is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("progress could not be read: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("progress must be a JSON object, was " + node);
        }
        JsonNode injector = node.get("injector");
        if (injector == null || !injector.isTextual()) {
            throw new IllegalArgumentException("progress field 'injector' must be a string, was " + injector);
        }
        return new Progress(injector.asText(), integral(node, "calls"), integral(node, "errors"),
                integral(node, "p99Micros"), integral(node, "atMillis"));
    }

    private static long integral(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("progress field '" + name + "' must be an integer, was " + value);
        }
        return value.asLong();
    }
}
