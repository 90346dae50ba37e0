package dev.rpcharness.loadtest.throughput;

import java.util.List;
import java.util.Locale;

/**
 * What one line of the throughput benchmark found: the rate of its last clean level before the first that was not
 * (its limit), the process CPU used per second at that rate, and whether the limit is only a lower bound (every
 * level up to the ramp's top was clean) or not found at all (the first level was not clean). Immutable.
 *
 * @param limit    calls/s of the last clean level; 0 when none was clean
 * @param cpuCores process CPU time per second at that level
 * @param atLeast  true when the ramp's top was clean: the real limit is higher
 * @param top      the ramp's top, calls/s
 */
record LineResult(double limit, double cpuCores, boolean atLeast, double top) {

    static LineResult of(BenchRamp ramp, List<LevelVerdict> verdicts) {
        LevelVerdict last = null;
        for (LevelVerdict v : verdicts) {
            if (!v.clean()) {
                break;
            }
            last = v;
        }
        boolean allClean = last != null && last.level() == ramp.levels() - 1;
        return last == null ? new LineResult(0, 0, false, ramp.top())
                : new LineResult(last.rate(), last.cpuCores(), allClean, ramp.top());
    }

    /** Calls/s per core at the limit; 0 when unknown. */
    double callsPerCore() {
        return cpuCores > 0 ? limit / cpuCores : 0;
    }

    /** The limit in words: {@code 28000 calls/s}, {@code at least 64000 calls/s (the ramp's top)} or none. */
    String describe(double start) {
        if (limit == 0) {
            return String.format(Locale.ROOT, "below %.0f calls/s (the ramp's first level was not clean)", start);
        }
        return String.format(Locale.ROOT, "%s%.0f calls/s%s, CPU %.2f cores (%.0f calls/s per core)",
                atLeast ? "at least " : "", limit, atLeast ? " (the ramp's top)" : "", cpuCores, callsPerCore());
    }

    /**
     * This line's limit over {@code reference}'s, in words: the ratio of calls/s, then of calls/s per core; a bound
     * when one line only has a lower bound, or when the reference held no level (its limit is below {@code start},
     * the ramp's first level); nothing when neither bounds it.
     */
    String ratioTo(LineResult reference, double start) {
        if (limit == 0) {
            return "not found: this line's first level was not clean (lower rpc.bench.start)";
        }
        if (reference.limit == 0) {
            return String.format(Locale.ROOT, "at least %.2f (the reference held no level, not even %.0f calls/s)",
                    limit / start, start);
        }
        if (atLeast && reference.atLeast) {
            return "not found: both lines held the ramp's top (raise rpc.bench.levels and rpc.bench.calls)";
        }
        String bound = atLeast ? "at least " : reference.atLeast ? "at most " : "";
        String perCore = callsPerCore() > 0 && reference.callsPerCore() > 0
                ? String.format(Locale.ROOT, ", per core %s%.2f", bound, callsPerCore() / reference.callsPerCore())
                : "";
        return String.format(Locale.ROOT, "%s%.2f%s", bound, limit / reference.limit, perCore);
    }
}
