package dev.rpcharness.loadtest.throughput;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Measures one line of the throughput benchmark level by level and finds its limit: every call is counted in the
 * level its begin falls in (levels follow the {@link BenchRamp} from the first call's begin), and each level is
 * judged once it is over plus a grace of the p99 limit. A level is clean when none of its calls failed, at most 1%
 * of them took longer than the p99 limit (calls still running at the judgement have taken longer, so they count as
 * slow) and at least {@link BenchRamp#KEPT_UP} of its offered calls began within it (the injector kept up). The
 * first level that is not clean stops the line ({@link #stopped()}); so does the ramp's top, judged clean.
 * The limit is the rate of the last clean level before that, with the CPU the process used per second of it
 * (sampled at the first begin or end after each level boundary).
 *
 * <p>Threading: {@link #begin()} and {@link #end} are called from any thread, lock-free except when a level falls
 * due, which the first {@code end} after its due time judges under the meter's lock. {@link #finish()} judges what
 * remains once the load is over.
 */
final class LevelMeter {

    private static final long UNSET = Long.MIN_VALUE;

    private final BenchRamp ramp;
    private final int levels;
    private final long levelNanos;
    private final long limitMicros;
    private final long graceNanos;
    private final LongSupplier clock;
    private final LongSupplier cpuNanos;
    private final LongAdder[] begun;
    private final LongAdder[] failed;
    private final Recorder[] latency;
    private final AtomicLong origin = new AtomicLong(UNSET);
    private volatile long nextDue = Long.MAX_VALUE;
    private volatile String stopReason;
    /** The last level boundary (level i starts at boundary i, the last ends at boundary levels) sampled. */
    private volatile int sampledBoundary = -1;

    // guarded by this
    private final List<LevelVerdict> verdicts = new ArrayList<>();
    private final long[] cpuAtBoundary;
    private final long[] wallAtBoundary;

    /**
     * @param ramp      the levels
     * @param p99Limit  the p99 limit of a clean level, in microseconds, also the grace before a level is judged
     * @param clock     monotonic nanoseconds ({@code System::nanoTime})
     * @param cpuNanos  CPU time the process has used, in nanoseconds
     */
    LevelMeter(BenchRamp ramp, long p99Limit, LongSupplier clock, LongSupplier cpuNanos) {
        this.ramp = ramp;
        this.levels = ramp.levels();
        this.levelNanos = ramp.levelLength().toNanos();
        this.limitMicros = p99Limit;
        this.graceNanos = p99Limit * 1_000;
        this.clock = clock;
        this.cpuNanos = cpuNanos;
        this.begun = new LongAdder[levels];
        this.failed = new LongAdder[levels];
        this.latency = new Recorder[levels];
        this.cpuAtBoundary = new long[levels + 1];
        this.wallAtBoundary = new long[levels + 1];
        for (int i = 0; i < levels; i++) {
            begun[i] = new LongAdder();
            failed[i] = new LongAdder();
            latency[i] = new Recorder(3);
        }
    }

    /** Notes a call's begin and returns its time, to hand to {@link #end}. The first begin starts level 0. */
    long begin() {
        long now = clock.getAsLong();
        long o = origin.get();
        if (o == UNSET) {
            o = start(now);
        }
        sampleBoundaries(now, o);
        begun[levelOf(now - o)].increment();
        return now;
    }

    /** Notes the end of the call that began at {@code beginNanos}; judges the levels that fell due. */
    void end(long beginNanos, boolean callFailed) {
        long now = clock.getAsLong();
        long o = origin.get();
        sampleBoundaries(now, o);
        int level = levelOf(beginNanos - o);
        if (callFailed) {
            failed[level].increment();
        } else {
            latency[level].recordValue(Math.max(0, (now - beginNanos) / 1_000));
        }
        if (now - nextDue >= 0) {
            judgeDue(now, false);
        }
    }

    /** True once a level was not clean, or the ramp's top was judged: the line has found what it can. */
    boolean stopped() {
        return stopReason != null;
    }

    /** Why the line stopped, or null. */
    String stopReason() {
        return stopReason;
    }

    /** Judges every level that began and is not judged yet, as it stands now; the load must be over. */
    synchronized void finish() {
        judgeDue(Long.MAX_VALUE, true);
    }

    /** The verdicts so far, level by level. */
    synchronized List<LevelVerdict> verdicts() {
        return List.copyOf(verdicts);
    }

    /** The line's limit from the verdicts so far. */
    synchronized LineResult result() {
        return LineResult.of(ramp, verdicts);
    }

    private synchronized long start(long now) {
        if (origin.compareAndSet(UNSET, now)) {
            cpuAtBoundary[0] = cpuNanos.getAsLong();
            wallAtBoundary[0] = now;
            sampledBoundary = 0;
            nextDue = now + levelNanos + graceNanos;
        }
        return origin.get();
    }

    private synchronized void judgeDue(long now, boolean all) {
        long o = origin.get();
        while (stopReason == null && o != UNSET && verdicts.size() < levels) {
            int level = verdicts.size();
            boolean due = all || now - (o + (level + 1) * levelNanos + graceNanos) >= 0;
            if (!due || all && begun[level].sum() == 0) {
                break;
            }
            LevelVerdict v = judge(level, all ? clock.getAsLong() : now);
            verdicts.add(v);
            if (!v.clean()) {
                stopReason = "level " + (level + 1) + " (" + Math.round(v.rate()) + " calls/s) is not clean: "
                        + v.why();
            } else if (verdicts.size() == levels) {
                stopReason = "the ramp's top, " + Math.round(v.rate()) + " calls/s, is clean";
            }
        }
        nextDue = stopReason != null ? Long.MAX_VALUE : o + (verdicts.size() + 1L) * levelNanos + graceNanos;
    }

    private LevelVerdict judge(int level, long now) {
        Histogram ok = latency[level].getIntervalHistogram();
        long calls = begun[level].sum();
        long failures = failed[level].sum();
        long okCalls = ok.getTotalCount();
        long running = Math.max(0, calls - okCalls - failures);
        long slow = okCalls - ok.getCountBetweenValues(0, limitMicros) + running;
        long cpuEnd = level + 1 <= sampledBoundary ? cpuAtBoundary[level + 1] : cpuNanos.getAsLong();
        long wallEnd = level + 1 <= sampledBoundary ? wallAtBoundary[level + 1] : now;
        long wall = wallEnd - wallAtBoundary[level];
        double cores = wall > 0 ? (cpuEnd - cpuAtBoundary[level]) / (double) wall : 0;
        List<String> why = new ArrayList<>();
        if (failures > 0) {
            why.add(failures + " failed");
        }
        if (slow * 100 > calls) {
            why.add(slow + " of " + calls + " calls over " + limitMicros / 1000 + " ms (" + running
                    + " still running)");
        }
        if (calls < BenchRamp.KEPT_UP * ramp.offeredCalls(level)) {
            why.add("only " + calls + " of " + ramp.offeredCalls(level) + " offered calls began in it");
        }
        return new LevelVerdict(level, ramp.rate(level), calls, okCalls, failures, running,
                okCalls == 0 ? 0 : ok.getValueAtPercentile(99), cores, String.join("; ", why));
    }

    /**
     * Samples the process CPU time at each level boundary the clock has passed since the last sample: the first
     * begin or end after a boundary takes it, so a level's CPU is what the process used while the level ran.
     */
    private void sampleBoundaries(long now, long o) {
        long passed = Math.min(levels, (now - o) / levelNanos);
        if (passed > sampledBoundary) {
            sampleUpTo((int) passed, now);
        }
    }

    private synchronized void sampleUpTo(int boundary, long now) {
        if (boundary <= sampledBoundary) {
            return;
        }
        long cpu = cpuNanos.getAsLong();
        for (int b = sampledBoundary + 1; b <= boundary; b++) {
            cpuAtBoundary[b] = cpu;
            wallAtBoundary[b] = now;
        }
        sampledBoundary = boundary;
    }

    private int levelOf(long elapsedNanos) {
        return (int) Math.min(levels - 1, Math.max(0, elapsedNanos / levelNanos));
    }
}
