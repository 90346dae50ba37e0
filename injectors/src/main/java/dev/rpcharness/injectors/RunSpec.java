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
 * the seed, the number of injectors, how long a barrier waits, what a lost injector does to the run, whether an
 * injector's SLO breach aborts the whole run, and the scenario's own options.
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
 * @param abortOnBreach whether an injector whose own SLO check fails aborts the whole run ({@link RunAbort});
 *     off by default: it then only reports its own failure
 */
public record RunSpec(String runId, String scenario, long seed, int injectors, Duration barrierTimeout,
        LostInjectorPolicy onLost, Map<String, String> options, boolean abortOnBreach) {

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

    /** A run that an SLO breach does not abort ({@code abortOnBreach} false). */
    public RunSpec(String runId, String scenario, long seed, int injectors, Duration barrierTimeout,
            LostInjectorPolicy onLost, Map<String, String> options) {
        this(runId, scenario, seed, injectors, barrierTimeout, onLost, options, false);
    }

    /** A run with a 60 s barrier timeout, failing when an injector is lost, no options, not aborted on a breach. */
    public static RunSpec of(String runId, String scenario, long seed, int injectors) {
        return new RunSpec(runId, scenario, seed, injectors, Duration.ofSeconds(60), LostInjectorPolicy.FAIL,
                Map.of());
    }

    /** The same run with another barrier timeout. */
    public RunSpec withBarrierTimeout(Duration timeout) {
        return new RunSpec(runId, scenario, seed, injectors, timeout, onLost, options, abortOnBreach);
    }

    /** The same run with another policy for lost injectors. */
    public RunSpec withOnLost(LostInjectorPolicy policy) {
        return new RunSpec(runId, scenario, seed, injectors, barrierTimeout, policy, options, abortOnBreach);
    }

    /** The same run with these scenario options. */
    public RunSpec withOptions(Map<String, String> newOptions) {
        return new RunSpec(runId, scenario, seed, injectors, barrierTimeout, onLost, newOptions, abortOnBreach);
    }

    /** The same run where an injector's SLO breach aborts every injector (true) or only fails its own (false). */
    public RunSpec withAbortOnBreach(boolean abort) {
        return new RunSpec(runId, scenario, seed, injectors, barrierTimeout, onLost, options, abort);
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
            if (abortOnBreach) { // written only when on: a spec without it is the same JSON as before the field
                fields.put("abortOnBreach", true);
            }
            return JSON.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run spec " + runId + " cannot be written as JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    static RunSpec fromJson(byte[] bytes) {
        try {
            Map<String, Object> f = JSON.readValue(bytes, Map.class);
            Object abort = f.getOrDefault("abortOnBreach", Boolean.FALSE);
            if (!(abort instanceof Boolean)) {
                throw new IllegalArgumentException("abortOnBreach must be true or false, was " + abort);
            }
            return new RunSpec((String) f.get("runId"), (String) f.get("scenario"),
                    ((Number) f.get("seed")).longValue(), ((Number) f.get("injectors")).intValue(),
                    Duration.ofMillis(((Number) f.get("barrierTimeoutMillis")).longValue()),
                    LostInjectorPolicy.valueOf((String) f.get("onLost")), (Map<String, String>) f.get("options"),
                    (Boolean) abort);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a run spec: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }
}
