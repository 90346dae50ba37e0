package dev.rpcharness.loadtest.throughput;

import java.util.Locale;

/**
 * One level of a benchmark line, judged by {@link LevelMeter}.
 *
 * @param level      0-based
 * @param rate       offered calls/s
 * @param calls      calls that began in the level
 * @param ok         of those, calls that succeeded by the judgement
 * @param failed     of those, calls that failed by the judgement
 * @param running    of those, calls still running at the judgement
 * @param p99Micros  p99 of the successful calls, µs
 * @param cpuCores   process CPU time per second of the level (1.0 = one core busy)
 * @param why        why the level is not clean; empty when it is
 */
record LevelVerdict(int level, double rate, long calls, long ok, long failed, long running, long p99Micros,
        double cpuCores, String why) {

    /** No failure, p99 within the limit, and the injector kept up. */
    boolean clean() {
        return why.isEmpty();
    }

    /** One line of the report. */
    String line(double levelSeconds) {
        return String.format(Locale.ROOT, "  %6.0f calls/s offered: %7.0f/s began, %8d ok, %6d failed, %6d running, "
                        + "p99 %7.2f ms, CPU %.2f cores%s", rate, calls / levelSeconds, ok, failed, running,
                p99Micros / 1000.0, cpuCores, clean() ? "" : "  NOT CLEAN: " + why);
    }
}
