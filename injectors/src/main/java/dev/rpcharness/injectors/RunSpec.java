package dev.rpcharness.injectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What every injector of one run agrees on, published once by the {@link Coordinator}: the run's id, the scenario,
 * the seed, the number of injectors, how long a barrier waits, what a lost injector does to the run, and the
 * scenario's own options.
 *
 * <p>An immutable value; every bad value is rejected with the field's name and the value.
 *
 * @param runId the run's id, also its node name: letters, digits, {@code . _ -}
 * @param scenario the scenario's name (a simulation class, for example)
 * @param seed the seed every injector uses, so a replay makes the same choices
 * @param injectors how many injectors run it, at least 1
 * @param barrierTimeout how long the start and end barriers wait for the last injector
 * @param onLost what the run does when an injector dies before it finished
 * @param options the scenario's own options, by name (copied, sorted)
 */
public record RunSpec(String runId, String scenario, long seed, int injectors, Duration barrierTimeout,
        LostInjectorPolicy onLost, Map<String, String> options) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates and copies. */
    public RunSpec {
        Objects.requireNonNull(runId, "runId");
        if (!ID.matcher(runId).matches() || runId.equals(".") || runId.equals("..")) {
            throw new IllegalArgumentException("runId must be 1 to 100 of [A-Za-z0-9._-], was '" + runId + "'");
        }
        Objects.requireNonNull(scenario, "scenario");
        if (injectors < 1) {
            throw new IllegalArgumentException("injectors must be at least 1, was " + injectors);
        }
        Objects.requireNonNull(barrierTimeout, "barrierTimeout");
        if (barrierTimeout.isNegative() || barrierTimeout.isZero()) {
            throw new IllegalArgumentException("barrierTimeout must be positive, was " + barrierTimeout);
        }
        Objects.requireNonNull(onLost, "onLost");
        options = Map.copyOf(new TreeMap<>(Objects.requireNonNull(options, "options")));
    }

    /** A run with a 60 s barrier timeout, failing when an injector is lost, and no options. */
    public static RunSpec of(String runId, String scenario, long seed, int injectors) {
        return new RunSpec(runId, scenario, seed, injectors, Duration.ofSeconds(60), LostInjectorPolicy.FAIL,
                Map.of());
    }

    /** The same run with another barrier timeout. */
    public RunSpec withBarrierTimeout(Duration timeout) {
        return new RunSpec(runId, scenario, seed, injectors, timeout, onLost, options);
    }

    /** The same run with another policy for lost injectors. */
    public RunSpec withOnLost(LostInjectorPolicy policy) {
        return new RunSpec(runId, scenario, seed, injectors, barrierTimeout, policy, options);
    }

    /** The same run with these scenario options. */
    public RunSpec withOptions(Map<String, String> newOptions) {
        return new RunSpec(runId, scenario, seed, injectors, barrierTimeout, onLost, newOptions);
    }

    /** The name of injector {@code index}: {@code injector-<index>}. */
    public String injectorId(int index) {
        if (index < 0 || index >= injectors) {
            throw new IllegalArgumentException("index must be in [0, " + injectors + "), was " + index);
        }
        return "injector-" + index;
    }

    /** This run's split of the load. */
    public LoadSplit split() {
        return LoadSplit.over(injectors);
    }

    byte[] toJson() {
        try {
            Map<String, Object> fields = new TreeMap<>();
            fields.put("runId", runId);
            fields.put("scenario", scenario);
            fields.put("seed", seed);
            fields.put("injectors", injectors);
            fields.put("barrierTimeoutMillis", barrierTimeout.toMillis());
            fields.put("onLost", onLost.name());
            fields.put("options", new TreeMap<>(options));
            return JSON.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run spec " + runId + " cannot be written as JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    static RunSpec fromJson(byte[] bytes) {
        try {
            Map<String, Object> f = JSON.readValue(bytes, Map.class);
            return new RunSpec((String) f.get("runId"), (String) f.get("scenario"),
                    ((Number) f.get("seed")).longValue(), ((Number) f.get("injectors")).intValue(),
                    Duration.ofMillis(((Number) f.get("barrierTimeoutMillis")).longValue()),
                    LostInjectorPolicy.valueOf((String) f.get("onLost")), (Map<String, String>) f.get("options"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a run spec: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }
}
