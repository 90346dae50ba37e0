package dev.rpcharness.loadtest.throughput;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;

import io.gatling.javaapi.core.OpenInjectionStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The throughput benchmark's ramp: open-model levels of {@code start}, {@code start + step}, ... calls/s, each
 * lasting {@code levelLength}, no more than {@code maxLevels} of them and no more than {@code maxCalls} calls offered
 * in all: the last level that fits both is the ramp's top, the highest rate the benchmark can state a limit for.
 * Every line of the benchmark (the consumer core, Gatling's HTTP) runs the same ramp. Immutable.
 *
 * @param start       calls/s of the first level ({@code rpc.bench.start}, 4000)
 * @param step        calls/s added per level ({@code rpc.bench.step}, 4000)
 * @param maxLevels   the most levels ({@code rpc.bench.levels}, 16)
 * @param levelLength how long each level lasts ({@code rpc.bench.levelSeconds}, 3)
 * @param maxCalls    the most calls the ramp offers in all ({@code rpc.bench.calls}, 3,000,000)
 * @param warmUp      how long the line warms up, unmeasured, before the ramp, its rate rising to the first level's
 *                    ({@code rpc.bench.warmUpSeconds}, 15): Gatling's engine and the line's protocol warm up the same
 */
record BenchRamp(double start, double step, int maxLevels, Duration levelLength, long maxCalls, Duration warmUp) {

    /** How far an injector may fall behind a level's rate before the level counts as not held: 5%. */
    static final double KEPT_UP = 0.95;

    BenchRamp {
        require(start >= 1, "rpc.bench.start", start, "at least 1 call/s");
        require(step >= 0, "rpc.bench.step", step, "0 or more calls/s");
        require(maxLevels >= 1 && maxLevels <= 100, "rpc.bench.levels", maxLevels, "1 to 100 levels");
        require(!levelLength.isNegative() && levelLength.toSeconds() >= 1 && levelLength.toSeconds() <= 60,
                "rpc.bench.levelSeconds", levelLength.toSeconds(), "1 to 60 s");
        require(!warmUp.isNegative() && warmUp.toSeconds() <= 60, "rpc.bench.warmUpSeconds", warmUp.toSeconds(),
                "0 to 60 s");
        require(maxCalls >= Math.round(start * levelLength.toSeconds()), "rpc.bench.calls", maxCalls,
                "at least the first level's calls, " + Math.round(start * levelLength.toSeconds()));
    }

    /** The ramp the system properties describe, with the defaults above. */
    static BenchRamp from(Properties p) {
        return new BenchRamp(
                parse(p, "rpc.bench.start", "4000"),
                parse(p, "rpc.bench.step", "4000"),
                (int) parse(p, "rpc.bench.levels", "16"),
                Duration.ofSeconds((long) parse(p, "rpc.bench.levelSeconds", "3")),
                (long) parse(p, "rpc.bench.calls", "3000000"),
                Duration.ofSeconds((long) parse(p, "rpc.bench.warmUpSeconds", "15")));
    }

    /** The rate of level {@code level} (0-based), calls/s. */
    double rate(int level) {
        return start + step * level;
    }

    /** The calls level {@code level} offers. */
    long offeredCalls(int level) {
        return Math.round(rate(level) * levelLength.toNanos() / 1e9);
    }

    /** How many levels run: the most that fit within {@link #maxLevels} and {@link #maxCalls}; at least 1. */
    int levels() {
        long total = 0;
        for (int i = 0; i < maxLevels; i++) {
            total += offeredCalls(i);
            if (total > maxCalls) {
                return Math.max(1, i);
            }
        }
        return maxLevels;
    }

    /** The rate of the last level: a limit at or above it is stated as "at least" this. */
    double top() {
        return rate(levels() - 1);
    }

    /** What stops the ramp at its top, for the report. */
    String topBound() {
        return levels() < maxLevels ? "rpc.bench.calls=" + maxCalls : "rpc.bench.levels=" + maxLevels;
    }

    /** The ramp as Gatling injection steps, one constant rate per level, back to back. */
    OpenInjectionStep[] injection() {
        List<OpenInjectionStep> steps = new ArrayList<>();
        for (int i = 0; i < levels(); i++) {
            steps.add(constantUsersPerSec(rate(i)).during(levelLength));
        }
        return steps.toArray(OpenInjectionStep[]::new);
    }

    /** Most of how long the ramp lasts, for the log: the levels back to back. */
    Duration length() {
        return levelLength.multipliedBy(levels());
    }

    private static double parse(Properties p, String key, String fallback) {
        String value = p.getProperty(key, fallback).trim();
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "='" + value + "' is not a number", e);
        }
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + value + ": expected " + expected);
        }
    }
}
