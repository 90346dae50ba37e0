package dev.rpcharness.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one {@link BenchStack}: closed loop (a fixed window of calls in flight, each answer sends the next) or
 * open loop (calls at a fixed rate, latency from each call's intended start, so a stall is not hidden by the
 * calls it delayed). Every run is bounded in time and in calls; calls still in flight at the end are waited for
 * a bounded time. Runs on the calling thread; completions run on the stack's threads.
 */
final class LoopDriver {

    /** Most calls one run sends, whatever its length. */
    static final long MAX_CALLS = 100_000_000L;
    /** An open loop stops sending (counts the call as shed) past this many calls in flight. */
    static final int MAX_OPEN_IN_FLIGHT = 50_000;

    /** What one measured interval gave. */
    record Result(long calls, long failures, double seconds, Histogram latencyMicros, ThreadCost.Delta cost,
                  long shed) {

        /** The result with the median p99 of {@code results} (the lower middle one of an even count); null if none. */
        static Result medianByP99(List<Result> results) {
            List<Result> sorted = new ArrayList<>(results);
            sorted.sort(Comparator.comparingDouble(r -> r.p(99)));
            return sorted.isEmpty() ? null : sorted.get((sorted.size() - 1) / 2);
        }

        double callsPerSecond() {
            return seconds > 0 ? calls / seconds : 0;
        }

        double clientBytesPerCall() {
            return calls > 0 ? (double) cost.clientBytes() / calls : 0;
        }

        double serverBytesPerCall() {
            return calls > 0 ? (double) cost.serverBytes() / calls : 0;
        }

        double clientCpuMicrosPerCall() {
            return calls > 0 ? cost.clientCpuNanos() / 1000.0 / calls : 0;
        }

        double serverCpuMicrosPerCall() {
            return calls > 0 ? cost.serverCpuNanos() / 1000.0 / calls : 0;
        }

        double processCpuMicrosPerCall() {
            return calls > 0 ? cost.processCpuNanos() / 1000.0 / calls : 0;
        }

        double p(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN
                    : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private final ThreadCost cost;

    LoopDriver(ThreadCost cost) {
        this.cost = cost;
    }

    /** Closed loop: {@code window} calls in flight for {@code warmNanos}, then measured for {@code measureNanos}. */
    Result closed(BenchStack stack, int window, long warmNanos, long measureNanos) {
        Closed loop = new Closed(stack);
        loop.inFlight.set(window);
        long now = System.nanoTime();
        for (int i = 0; i < window; i++) {
            loop.issued.incrementAndGet();
            stack.send(now, loop);
        }
        sleepNanos(warmNanos);
        cost.start();
        long calls0 = loop.completed.get();
        long failed0 = loop.failed.get();
        loop.latency.reset();
        long t0 = System.nanoTime();
        sleepNanos(measureNanos);
        long calls = loop.completed.get() - calls0;
        double seconds = (System.nanoTime() - t0) / 1e9;
        ThreadCost.Delta delta = cost.stop();
        Histogram h = loop.latency.getIntervalHistogram();
        long failures = loop.failed.get() - failed0;
        loop.stopping = true;
        awaitZero(loop.inFlight);
        return new Result(calls, failures, seconds, h, delta, 0);
    }

    /**
     * Open loop: {@code rate} calls per second for {@code warmNanos} (not recorded), then for
     * {@code measureNanos}, latency from each call's intended start. The latency covers answered calls only;
     * calls that failed (a client failing fast at its own bound on calls in flight, say) are counted in
     * {@link Result#failures()}, those intended in the measured interval only, so a caller prints both.
     */
    Result open(BenchStack stack, double rate, long warmNanos, long measureNanos) {
        long period = Math.max(1L, (long) (1e9 / rate));
        Recorder latency = new Recorder(3);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        long measureFrom = start + warmNanos;
        long end = measureFrom + measureNanos;
        BenchStack.Completion done = (intended, ok) -> {
            if (ok) {
                if (intended >= measureFrom) {
                    latency.recordValue(Math.max(0L, (System.nanoTime() - intended) / 1_000L));
                    completed.incrementAndGet();
                }
            } else if (intended >= measureFrom) {
                failed.incrementAndGet(); // e.g. the client's own overload bound: counted, not in the latency
            }
            inFlight.decrementAndGet();
        };
        long total = Math.min(MAX_CALLS, (end - start) / period);
        long i = 0;
        long shed = 0;
        boolean measuring = false;
        long completed0 = 0;
        while (i < total) {
            long now = System.nanoTime();
            if (!measuring && now >= measureFrom) {
                measuring = true;
                cost.start();
                latency.reset();
                completed0 = completed.get();
            }
            long due = Math.min(total, (now - start) / period + 1);
            if (due > i) {
                for (; i < due; i++) {
                    if (inFlight.get() >= MAX_OPEN_IN_FLIGHT) {
                        shed++;
                        continue;
                    }
                    inFlight.incrementAndGet();
                    stack.send(start + i * period, done);
                }
            } else {
                LockSupport.parkNanos(Math.min(start + i * period - now, 20_000L));
            }
        }
        awaitZero(inFlight);
        ThreadCost.Delta delta = measuring ? cost.stop() : new ThreadCost.Delta(0, 0, 0, 0, 0);
        return new Result(completed.get() - completed0, failed.get(), measureNanos / 1e9,
                latency.getIntervalHistogram(), delta, shed);
    }

    private static void awaitZero(AtomicInteger inFlight) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        }
    }

    /** The closed loop's state: each successful answer sends the next call until stopped. */
    private static final class Closed implements BenchStack.Completion {
        final BenchStack stack;
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong issued = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final Recorder latency = new Recorder(3);
        volatile boolean stopping;

        Closed(BenchStack stack) {
            this.stack = stack;
        }

        @Override
        public void done(long startNanos, boolean ok) {
            long now = System.nanoTime();
            if (ok) {
                completed.incrementAndGet();
                latency.recordValue(Math.max(0L, (now - startNanos) / 1_000L));
            } else {
                failed.incrementAndGet();
            }
            // A failed call is not replaced: a stack failing synchronously cannot recurse without bound.
            if (ok && !stopping && issued.incrementAndGet() <= MAX_CALLS) {
                stack.send(now, this);
            } else {
                inFlight.decrementAndGet();
            }
        }
    }
}
