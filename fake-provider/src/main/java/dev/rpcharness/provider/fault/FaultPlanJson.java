package dev.rpcharness.provider.fault;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Reads fault plans from small JSON documents, as the stand-alone provider's admin endpoint and command line
 * take them. A plan is {@code {"seed":7,"rules":[rule, ...]}} or a single rule; a rule is
 * <pre>{@code
 * {"method":"echo",                  // optional: every method when absent
 *  "fault":"latencyFixed","ms":20,   // the fault and its parameters, see below
 *  "probability":0.5}                // optional trigger: probability | everyNth | firstN (default always)
 * }</pre>
 * Faults and their parameters: latencyFixed {ms}, latencyUniform {minMs, maxMs}, latencyLogNormal {medianMs,
 * p99Ms}, error {type, message}, httpStatus {status}, pushback {status, retryAfterMs}, reset, closeWithoutAnswer, hang, garbage, truncatedBody,
 * wrongRequestId, unknownRequestId, duplicateAnswer, slowDrip {betweenMs}, oversizedBody {bytes}.
 * Stateless and thread-safe.
 */
public final class FaultPlanJson {

    private FaultPlanJson() {
    }

    /**
     * Parses a plan or a single rule.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static FaultPlan parsePlan(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a fault plan must be a JSON object, got " + json);
        }
        FaultPlan.Builder plan = FaultPlan.builder().seed(json.path("seed").asLong(0L));
        if (json.has("rules")) {
            JsonNode rules = json.get("rules");
            if (!rules.isArray()) {
                throw new IllegalArgumentException("\"rules\" must be an array");
            }
            rules.forEach(r -> plan.rule(parseRule(r)));
        } else if (json.has("fault")) {
            plan.rule(parseRule(json));
        }
        return plan.build();
    }

    /** Parses one rule object. */
    public static FaultRule parseRule(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a fault rule must be a JSON object, got " + json);
        }
        Fault fault = parseFault(json);
        FaultRule rule = json.hasNonNull("method") ? FaultRule.forMethod(json.get("method").asText(), fault)
                : FaultRule.forAll(fault);
        if (json.has("probability")) {
            rule = rule.probability(json.get("probability").asDouble());
        } else if (json.has("everyNth")) {
            rule = rule.everyNth(json.get("everyNth").asInt());
        } else if (json.has("firstN")) {
            rule = rule.firstN(json.get("firstN").asInt());
        }
        return rule;
    }

    private static Fault parseFault(JsonNode json) {
        String name = text(json, "fault");
        switch (name) {
            case "latencyFixed":
                return Fault.latencyFixed(millis(json, "ms"));
            case "latencyUniform":
                return Fault.latencyUniform(millis(json, "minMs"), millis(json, "maxMs"));
            case "latencyLogNormal":
                return Fault.latencyLogNormal(millis(json, "medianMs"), millis(json, "p99Ms"));
            case "error":
                return Fault.error(json.path("type").asText("java.lang.RuntimeException"),
                        json.path("message").asText("injected error"));
            case "httpStatus":
                return Fault.httpStatus(number(json, "status"));
            case "pushback":
                return Fault.pushback(json.has("status") ? number(json, "status") : 503,
                        json.has("retryAfterMs") ? millis(json, "retryAfterMs") : null);
            case "reset":
                return Fault.reset();
            case "closeWithoutAnswer":
                return Fault.closeWithoutAnswer();
            case "hang":
                return Fault.hang();
            case "garbage":
                return Fault.garbage();
            case "truncatedBody":
                return Fault.truncatedBody();
            case "wrongRequestId":
                return Fault.wrongRequestId();
            case "unknownRequestId":
                return Fault.unknownRequestId();
            case "duplicateAnswer":
                return Fault.duplicateAnswer();
            case "slowDrip":
                return Fault.slowDrip(millis(json, "betweenMs"));
            case "oversizedBody":
                return Fault.oversizedBody(number(json, "bytes"));
            default:
                throw new IllegalArgumentException("unknown fault \"" + name + "\"; known: latencyFixed, "
                        + "latencyUniform, latencyLogNormal, error, httpStatus, reset, closeWithoutAnswer, hang, "
                        + "garbage, truncatedBody, wrongRequestId, unknownRequestId, duplicateAnswer, slowDrip, "
                        + "oversizedBody, pushback");
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode n = json.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("fault rule needs a text field \"" + field + "\": " + json);
        }
        return n.asText();
    }

    private static int number(JsonNode json, String field) {
        JsonNode n = json.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException("fault \"" + json.path("fault").asText() + "\" needs a number \""
                    + field + "\": " + json);
        }
        return n.asInt();
    }

    private static Duration millis(JsonNode json, String field) {
        return Duration.ofMillis(number(json, field));
    }
}
