package dev.rpcharness.injectors;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;

/**
 * Makes the one combined progress line of a run from the injectors' {@link Progress} samples, read once per
 * interval by the printing {@link ProgressBoard}:
 *
 * <pre>
 * run nightly-7 [t+35s] 3/3 injectors: 1,204 calls/s, 0 errors (0.00%), p99 12.3 ms (max of injectors), lost: none
 * </pre>
 *
 * <ul>
 *   <li>{@code 3/3}: the injectors whose progress was read, of the run's injectors;
 *   <li>calls/s: for each injector read twice in a row, the difference of its call count between the two reads
 *       divided by the time between its two samples on its own clock, summed over the injectors (so a sample that
 *       arrived late, or an injector's clock offset, does not skew it; an injector read for the first time adds
 *       nothing yet, and one that did not publish since the last read keeps its last rate);
 *   <li>errors: the summed errors so far, and their share of the summed calls so far;
 *   <li>p99: the largest of the injectors' p99 latencies of their last interval (a percentile of the run is no
 *       function of the injectors' percentiles; the max is an upper bound of the slowest one's);
 *   <li>lost: the injectors the run has lost (their ZooKeeper session ended before they finished), or none.
 * </ul>
 *
 * <p>Not thread-safe: used by one board's thread.
 */
final class CombinedProgress {

    private final String runId;
    private final int injectors;
    private final Map<String, Sample> previous = new HashMap<>();

    /** The last sample read of one injector and its rate, when known. */
    private record Sample(Progress progress, double callsPerSecond, boolean rateKnown) {
    }

    CombinedProgress(String runId, int injectors) {
        this.runId = runId;
        this.injectors = injectors;
    }

    /**
     * The line for one read.
     *
     * @param sinceStartMillis how long the run has run, on the printer's clock
     * @param read the samples read now, one per reporting injector (lost ones left out by the caller)
     * @param lost the injectors the run has lost
     */
    String line(long sinceStartMillis, Collection<Progress> read, SortedSet<String> lost) {
        Map<String, Sample> now = new HashMap<>();
        long calls = 0;
        long errors = 0;
        long p99 = 0;
        double rate = 0;
        for (Progress p : read) {
            Sample sample = next(previous.get(p.injector()), p);
            now.put(p.injector(), sample);
            calls += p.calls();
            errors += p.errors();
            p99 = Math.max(p99, p.p99Micros());
            rate += sample.rateKnown() ? sample.callsPerSecond() : 0;
        }
        previous.clear(); // an injector not read now starts again from its next sample
        previous.putAll(now);
        double errorPercent = calls == 0 ? 0 : errors * 100.0 / calls;
        return String.format(Locale.ROOT,
                "run %s [t+%ds] %d/%d injectors: %,d calls/s, %,d errors (%.2f%%), p99 %.1f ms (max of injectors),"
                        + " lost: %s",
                runId, Math.max(0, sinceStartMillis) / 1000, read.size(), injectors, Math.round(rate), errors,
                errorPercent, p99 / 1000.0, lost.isEmpty() ? "none" : String.join(", ", lost));
    }

    private static Sample next(Sample before, Progress p) {
        if (before == null) {
            return new Sample(p, 0, false);
        }
        Progress last = before.progress();
        if (p.atMillis() <= last.atMillis()) {
            return before; // not published since the last read: keep its rate
        }
        double perSecond = Math.max(0, p.calls() - last.calls()) * 1000.0 / (p.atMillis() - last.atMillis());
        return new Sample(p, perSecond, true);
    }
}
