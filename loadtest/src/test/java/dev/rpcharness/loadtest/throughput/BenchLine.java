package dev.rpcharness.loadtest.throughput;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * One line of the throughput benchmark: a call (through the consumer core, or Gatling's own HTTP) driven up the
 * {@link BenchRamp} in an open model, measured by a {@link LevelMeter} from the moment each virtual user starts its
 * call to the moment it goes on, failed or not. The first level that is not clean stops Gatling's load generator
 * (it has found the line's limit), as does the ramp's top once judged clean.
 *
 * <p>Life cycle: made while the simulation is constructed; {@link #population} once, in its {@code setUp};
 * {@link #finish()} in its {@code after()}, when the load is over.
 */
final class BenchLine {

    private static final String BEGIN = "bench.begin";
    private static final int WARM_UP_USERS = 16;
    private static final int WARM_UP_CALLS_PER_USER = 250;

    private final String name;
    private final BenchRamp ramp;
    private final long p99LimitMicros;
    private final LevelMeter meter;

    /**
     * @param name           the line's name in the report
     * @param ramp           the levels, the same for every line
     * @param p99LimitMicros the p99 limit of a clean level
     */
    BenchLine(String name, BenchRamp ramp, long p99LimitMicros) {
        this.name = name;
        this.ramp = ramp;
        this.p99LimitMicros = p99LimitMicros;
        this.meter = new LevelMeter(ramp, p99LimitMicros, System::nanoTime, BenchLine::processCpuNanos);
    }

    /** The p99 limit of a clean level from {@code rpc.bench.p99Millis} (100 ms), in microseconds. */
    static long p99LimitMicros() {
        long millis = Long.getLong("rpc.bench.p99Millis", 100);
        if (millis < 1) {
            throw new IllegalArgumentException("rpc.bench.p99Millis=" + millis + ": expected at least 1 ms");
        }
        return millis * 1_000;
    }

    /**
     * The line's load: {@code call} for the warm-up, unmeasured, first {@value #WARM_UP_USERS} users making
     * {@value #WARM_UP_CALLS_PER_USER} calls each one after another (the code paths warm up on few connections),
     * then an open load rising from a tenth of the first level's rate to all of it (so connections open as the rate
     * needs them, not all at once on a cold JVM, which Gatling's HTTP answers with thousands of them), then the ramp,
     * where each user begins, makes {@code call} and ends, and the first user after the limit is found stops the
     * generator.
     * Users that start after that leave at once, so none calls a target that is closing.
     */
    PopulationBuilder population(ChainBuilder call) {
        PopulationBuilder measured = scenario(name)
                .exitHereIf(session -> meter.stopped())
                .exec(session -> session.set(BEGIN, meter.begin()))
                .exec(call)
                .exec(session -> {
                    meter.end(session.getLong(BEGIN), session.isFailed());
                    return session;
                })
                .stopLoadGeneratorIf(session -> name + ": " + meter.stopReason(), session -> meter.stopped())
                .injectOpen(ramp.injection());
        if (ramp.warmUp().isZero()) {
            return measured;
        }
        PopulationBuilder rampUp = scenario(name + " warm-up, open").exec(call)
                .injectOpen(rampUsersPerSec(ramp.start() / 10).to(ramp.start()).during(ramp.warmUp()))
                .andThen(measured);
        return scenario(name + " warm-up, closed").repeat(WARM_UP_CALLS_PER_USER).on(call)
                .injectOpen(atOnceUsers(WARM_UP_USERS))
                .andThen(rampUp);
    }

    /** Judges the levels not judged yet and returns the line's result; the load must be over. */
    LineResult finish() {
        meter.finish();
        return meter.result();
    }

    /** The line's levels and limit, for the log and the report file. */
    String report() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%s: levels of %.0f s from %.0f calls/s by %.0f (top %.0f calls/s, set by %s); clean = no failure, "
                        + "p99 <= %d ms, >= %.0f%% of the offered calls began%n", name,
                ramp.levelLength().toMillis() / 1000.0, ramp.start(), ramp.step(), ramp.top(), ramp.topBound(),
                p99LimitMicros / 1000, BenchRamp.KEPT_UP * 100));
        double seconds = ramp.levelLength().toNanos() / 1e9;
        for (LevelVerdict v : meter.verdicts()) {
            out.append(v.line(seconds)).append('\n');
        }
        String stop = meter.stopReason();
        out.append("  stopped: ").append(stop == null ? "the load ended" : stop).append('\n');
        out.append("  limit: ").append(meter.result().describe(ramp.start())).append('\n');
        return out.toString();
    }

    /** CPU time used by this process so far, from the OS if it tells, else the sum of the live threads' times. */
    static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long t = sun.getProcessCpuTime();
            if (t >= 0) {
                return t;
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            sum += Math.max(0, threads.getThreadCpuTime(id));
        }
        return sum;
    }
}
