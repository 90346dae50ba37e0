package dev.rpcharness.bench;

import static dev.rpcharness.bench.SpeedBenchmark.collectGarbage;
import static dev.rpcharness.bench.SpeedBenchmark.ms;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speed benchmark's latency phases, after its closed-loop rounds: the limit's (F's) open-loop capacity, then
 * open loops of every stack at half of it in rounds, the stacks alternately (each stack's figure its round with the
 * median p99), and in full mode the harness's fidelity. Prints figures; asserts nothing.
 *
 * <p>Threading: the benchmark's main thread. Lifecycle: one per benchmark run; the stacks are the caller's.
 */
final class OpenLoopPhase {

    /** Rounds of the fidelity measurement. */
    static final int FIDELITY_ROUNDS = 3;

    private final SpeedBenchmark.Mode mode;
    private final LoopDriver driver;
    private final PrintStream out;

    OpenLoopPhase(SpeedBenchmark.Mode mode, LoopDriver driver, PrintStream out) {
        this.mode = mode;
        this.driver = driver;
        this.out = out;
    }

    /** F's open-loop capacity, then the open rounds of every stack; sets each entry's {@code open}. */
    void run(Map<String, BenchEntry> entries) {
        BenchEntry limitEntry = entries.get("F");
        double capacity = openLoopCapacityOfTheLimit(limitEntry, limitEntry.callsPerSecond());
        double rate = capacity / 2;
        out.printf(Locale.ROOT, "-- open loop at 50%% load: half of F's open-loop capacity (%.0f calls/s), "
                + "latency from intended start over answered calls, failed calls counted apart, %d round(s) "
                + "of the stacks alternately, %d ms each after %d ms unrecorded (a stack's first open loop "
                + "after one of its own unrecorded); a stack's figure is its round with the median p99; each "
                + "stack at its best connection count from the search (consumer core: %s; C0, CR and E0 with "
                + "its default options)%n", rate, mode.openRounds(), mode.openNanos() / 1_000_000,
                mode.openWarmNanos() / 1_000_000, SpeedBenchmark.BEST_OPTIONS_TEXT);
        for (int r = 1; r <= mode.openRounds(); r++) {
            for (BenchEntry e : entries.values()) {
                LoopDriver.Result res = openLoop(e, rate, r == 1);
                e.opens.add(res);
                if (mode.openRounds() > 1) {
                    out.println("open round " + r + " " + openLine(e, res, rate));
                }
            }
        }
        for (BenchEntry e : entries.values()) {
            e.open = e.medianOpen();
            Map<String, Long> kinds = e.stack.takeFailureKinds();
            out.println(openLine(e, e.open, rate) + roundsText(e.opens) + (kinds.isEmpty() ? ""
                    : "  failures by kind, warm-up included: " + kinds));
        }
    }

    /**
     * The limit's capacity under the open-loop driver: the highest of its closed-loop median and that lowered by
     * fifths (at most five times) at which it keeps up (nothing shed or failed, at least 95% answered). The driver's
     * sending thread needs a core that the closed loop does not, so on a small machine this is well below the
     * closed loop's rate; "50% load" is half of it, where the limit runs at half of what it can sustain here, as
     * on a machine where the driver costs nothing it would be half of the closed loop's rate.
     */
    private double openLoopCapacityOfTheLimit(BenchEntry a, double closedLoopRate) {
        out.println("-- the limit's open-loop capacity, from its closed-loop median down by fifths, "
                + mode.searchNanos() * 2 / 1_000_000 + " ms each");
        double rate = closedLoopRate;
        for (int attempt = 0; ; attempt++) {
            collectGarbage();
            LoopDriver.Result probe = driver.open(a.stack, rate, mode.searchNanos(), 2 * mode.searchNanos());
            boolean kept = keptUp(probe, rate);
            out.printf(Locale.ROOT, "capacity %s at %.0f calls/s (%.0f%% of its closed loop): %s, p99 %.3f ms%n", a.key, rate,
                    100 * rate / closedLoopRate, kept ? "kept up" : "did NOT keep up", probe.p(99));
            if (kept || attempt == 5) {
                return rate;
            }
            rate *= 0.8;
        }
    }

    /**
     * One stack's measured open loop at {@code rate}; its first is preceded by an unrecorded one of the same rate:
     * the first open loop after closed-loop rounds runs into recompilation (its completion call sites were compiled
     * for the closed loop's only completion) and, at high rates, a backlog that outlasts a plain warm-up. Failure
     * kinds are counted from the first measured round's warm-up on.
     */
    private LoopDriver.Result openLoop(BenchEntry e, double rate, boolean first) {
        if (first) {
            driver.open(e.stack, rate, 0, mode.openWarmNanos());
            e.stack.takeFailureKinds();
        }
        collectGarbage();
        return driver.open(e.stack, rate, mode.openWarmNanos(), mode.openNanos());
    }

    /** The p99 of each of a stack's open rounds, when there were several. */
    private static String roundsText(List<LoopDriver.Result> rounds) {
        if (rounds.size() < 2) {
            return "";
        }
        StringBuilder b = new StringBuilder("  rounds' p99");
        for (LoopDriver.Result r : rounds) {
            b.append(String.format(Locale.ROOT, " %.3f", r.p(99)));
        }
        return b.append(" ms").toString();
    }

    private static boolean keptUp(LoopDriver.Result r, double rate) {
        return r.shed() == 0 && r.failures() == 0 && r.callsPerSecond() > rate * 0.95;
    }

    private static String openLine(BenchEntry e, LoopDriver.Result r, double rate) {
        boolean keptUp = keptUp(r, rate);
        return String.format(Locale.ROOT, "open %-2s %-38s %d conn  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  "
                        + "(%.0f calls/s answered, %d failed, %d shed%s)", e.key, e.label, e.connections, r.p(50),
                r.p(99), r.p(99.9), r.callsPerSecond(), r.failures(), r.shed(), keptUp ? "" : ", did NOT keep up");
    }

    /**
     * The harness's fidelity: a fixed injected 20 ms latency at 1,000 calls/s as a user's test sees it, with the
     * cluster's defaults on both sides (the consumer's default options, the provider's implementations on its
     * worker pool); {@value #FIDELITY_ROUNDS} rounds of 2 s unrecorded and 10 s measured, each after a collection,
     * and the round with the median p99 is the figure (the first round also compiles the fault's path).
     */
    void fidelity() {
        FaultPlan plan = FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(20))));
        try (FakeProvider slow = FakeProvider.builder().name("bench-provider-slow")
                .serve(EchoService.class, new EchoServiceImpl()).faultPlan(plan).build().start();
             ConsumerStack client = new ConsumerStack(slow.address(), ConsumerOptions.defaults())) {
            List<LoopDriver.Result> rounds = new ArrayList<>();
            for (int r = 1; r <= FIDELITY_ROUNDS; r++) {
                collectGarbage();
                LoopDriver.Result res = driver.open(client, 1_000, ms(2000), ms(10_000));
                rounds.add(res);
                out.println("fidelity round " + r + ": " + fidelityFigures(res));
            }
            out.println("fidelity: injected fixed 20 ms at 1000 calls/s, the cluster's defaults (consumer default "
                    + "options, provider implementations on " + slow.implementationThreads() + "), at the client, "
                    + "the round with the median p99: " + fidelityFigures(LoopDriver.Result.medianByP99(rounds))
                    + roundsText(rounds));
        }
    }

    private static String fidelityFigures(LoopDriver.Result r) {
        return String.format(Locale.ROOT, "p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms (%d calls, %d failed)",
                r.p(50), r.p(99), r.p(99.9), r.latencyMicros().getMaxValue() / 1000.0, r.calls(), r.failures());
    }
}
