package dev.rpcharness.loadtest.throughput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link LevelMeter} on a ramp of 100, 200, 300 calls/s, 1 s levels, a 100 ms p99 limit, with a hand-driven clock
 * and CPU counter: the limit is the last clean level before the first that is not, or "at least" the ramp's top.
 */
class LevelMeterTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private final AtomicLong now = new AtomicLong(1_000 * S);
    private final AtomicLong cpu = new AtomicLong();
    private final BenchRamp ramp = new BenchRamp(100, 100, 3, Duration.ofSeconds(1), 1_000_000, Duration.ZERO);
    private final LevelMeter meter = new LevelMeter(ramp, 100_000, now::get, cpu::get);

    @Test
    void everyLevelCleanGivesAtLeastTheRampsTopAndStopsTheLine() {
        for (int level = 0; level < 3; level++) {
            level(level, 0, 5 * MS, 0.5);
        }
        finishLoad();

        LineResult r = meter.result();
        assertThat(meter.stopped()).isTrue();
        assertThat(r.limit()).isEqualTo(300);
        assertThat(r.atLeast()).isTrue();
        assertThat(r.describe(100)).startsWith("at least 300 calls/s (the ramp's top)");
        assertThat(r.cpuCores()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void firstLevelWithAFailedCallEndsTheRampAndTheLevelBeforeIsTheLimit() {
        level(0, 0, 5 * MS, 1.0);
        level(1, 1, 5 * MS, 1.5);
        // level 1 is due at 2 s + the grace: the first end after that judges it
        now.addAndGet(100 * MS);
        long begin = meter.begin();
        meter.end(begin, false);

        assertThat(meter.stopped()).as("stopped after level 2 failed").isTrue();
        assertThat(meter.stopReason()).contains("level 2 (200 calls/s) is not clean: 1 failed");
        LineResult r = meter.result();
        assertThat(r.limit()).isEqualTo(100);
        assertThat(r.atLeast()).isFalse();
        assertThat(r.cpuCores()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void callsOverTheP99LimitOrStillRunningMakeALevelSlow() {
        level(0, 0, 5 * MS, 1.0);
        // level 1: 200 calls, 2 of them at 150 ms and one that never ends: 3 > 1% of 200
        long start = now.get();
        long[] begins = new long[200];
        for (int i = 0; i < 200; i++) {
            now.set(start + i * 5 * MS);
            begins[i] = meter.begin();
        }
        for (int i = 0; i < 199; i++) {
            now.set(begins[i] + (i < 2 ? 150 : 5) * MS);
            meter.end(begins[i], false);
        }
        now.set(start + S);
        finishLoad();

        assertThat(meter.verdicts()).hasSize(2);
        assertThat(meter.verdicts().get(1).why()).contains("3 of 200 calls over 100 ms (1 still running)");
        assertThat(meter.result().limit()).isEqualTo(100);
    }

    @Test
    void anInjectorThatFallsBehindTheRateDoesNotHoldTheLevel() {
        level(0, 0, 5 * MS, 1.0);
        long start = now.get();
        for (int i = 0; i < 150; i++) { // 150 of the 200 offered calls begin in level 1
            now.set(start + i * 6 * MS);
            meter.end(meter.begin(), false);
        }
        now.set(start + S);
        finishLoad();

        assertThat(meter.verdicts().get(1).why()).contains("only 150 of 200 offered calls began in it");
        assertThat(meter.result().describe(100)).startsWith("100 calls/s, CPU");
    }

    @Test
    void aFirstLevelNotCleanFindsNoLimit() {
        level(0, 3, 5 * MS, 1.0);
        finishLoad();

        assertThat(meter.result().limit()).isZero();
        assertThat(meter.result().describe(100)).isEqualTo("below 100 calls/s (the ramp's first level was not clean)");
    }

    @Test
    void rampStopsAtTheCallBudgetAndNamesIt() {
        Properties p = new Properties();
        p.setProperty("rpc.bench.start", "1000");
        p.setProperty("rpc.bench.step", "1000");
        p.setProperty("rpc.bench.levels", "10");
        p.setProperty("rpc.bench.levelSeconds", "2");
        p.setProperty("rpc.bench.calls", "13000"); // 2000 + 4000 + 6000 fit, 8000 more do not
        BenchRamp budget = BenchRamp.from(p);

        assertThat(budget.levels()).isEqualTo(3);
        assertThat(budget.top()).isEqualTo(3000);
        assertThat(budget.topBound()).isEqualTo("rpc.bench.calls=13000");
        assertThat(budget.injection()).hasSize(3);
        p.setProperty("rpc.bench.levelSeconds", "0");
        assertThatThrownBy(() -> BenchRamp.from(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rpc.bench.levelSeconds=0");
    }

    @Test
    void ratioIsABoundWhenOneLineOnlyHasALowerBound() {
        LineResult exact = new LineResult(20_000, 2.0, false, 64_000);
        LineResult reference = new LineResult(40_000, 2.0, false, 64_000);
        LineResult top = new LineResult(64_000, 2.0, true, 64_000);

        assertThat(exact.ratioTo(reference, 4_000)).isEqualTo("0.50, per core 0.50");
        assertThat(exact.ratioTo(top, 4_000)).isEqualTo("at most 0.31, per core at most 0.31");
        assertThat(top.ratioTo(top, 4_000)).startsWith("not found: both lines held the ramp's top");
        LineResult none = new LineResult(0, 0, false, 64_000);
        assertThat(exact.ratioTo(none, 4_000))
                .isEqualTo("at least 5.00 (the reference held no level, not even 4000 calls/s)");
        assertThat(none.ratioTo(exact, 4_000)).startsWith("not found: this line's first level was not clean");
    }

    /**
     * Runs level {@code level} (the clock at its start): its offered calls, 5 ms apart in time order, each taking
     * {@code latency}, the first {@code failures} failed; the process uses {@code cores} of CPU meanwhile.
     */
    private void level(int level, int failures, long latency, double cores) {
        long start = now.get();
        long calls = ramp.offeredCalls(level);
        long gap = S / calls;
        for (int i = 0; i < calls; i++) {
            now.set(start + i * gap);
            long begin = meter.begin();
            now.set(begin + latency);
            meter.end(begin, i < failures);
        }
        now.set(start + S);
        cpu.addAndGet((long) (cores * S));
    }

    /** The load is over: the clock stands at the last level's end. */
    private void finishLoad() {
        meter.finish();
    }
}
