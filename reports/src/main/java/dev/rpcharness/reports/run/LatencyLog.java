package dev.rpcharness.reports.run;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * The intervals of one HdrHistogram interval log ({@code rpc-latency.hlog}), read with HdrHistogram's own
 * {@link HistogramLogReader}. Immutable once read.
 */
public final class LatencyLog {

    /**
     * One tagged interval histogram.
     *
     * @param tag         its tag
     * @param startMillis interval start, epoch ms
     * @param endMillis   interval end, epoch ms
     * @param histogram   latencies in µs
     */
    public record Interval(Tag tag, long startMillis, long endMillis, Histogram histogram) {

        /**
         * This interval {@code millis} later (earlier when negative), sharing the histogram: only
         * {@link #startMillis} and {@link #endMillis} move, the histogram's own time stamps stay as the log wrote
         * them.
         */
        public Interval shifted(long millis) {
            return millis == 0 ? this : new Interval(tag, startMillis + millis, endMillis + millis, histogram);
        }
    }

    private final Path file;
    private final long startMillis;
    private final List<Interval> intervals;

    private LatencyLog(Path file, long startMillis, List<Interval> intervals) {
        this.file = file;
        this.startMillis = startMillis;
        this.intervals = List.copyOf(intervals);
    }

    /**
     * Reads {@code file}.
     *
     * @throws RunFormatException when it is missing, not an interval log, or has an interval without a valid tag
     */
    public static LatencyLog read(Path file) {
        HistogramLogReader reader;
        try {
            reader = new HistogramLogReader(file.toFile());
        } catch (FileNotFoundException e) {
            throw new RunFormatException("no latency log at " + file, e);
        }
        List<Interval> intervals = new ArrayList<>();
        try {
            EncodableHistogram h;
            while ((h = nextOf(reader, file, intervals.size())) != null) {
                if (!(h instanceof Histogram histogram)) {
                    throw new RunFormatException(file + ": interval " + (intervals.size() + 1)
                            + " holds a " + h.getClass().getSimpleName() + ", expected an integer Histogram");
                }
                Tag tag;
                try {
                    tag = Tag.parse(h.getTag());
                } catch (IllegalArgumentException e) {
                    throw new RunFormatException(file + ": interval " + (intervals.size() + 1) + ": "
                            + e.getMessage(), e);
                }
                intervals.add(new Interval(tag, histogram.getStartTimeStamp(), histogram.getEndTimeStamp(),
                        histogram));
            }
            double startSec = reader.getStartTimeSec();
            long start = startSec > 0 ? Math.round(startSec * 1000)
                    : intervals.stream().mapToLong(Interval::startMillis).min().orElse(0L);
            return new LatencyLog(file, start, intervals);
        } finally {
            reader.close();
        }
    }

    private static EncodableHistogram nextOf(HistogramLogReader reader, Path file, int read) {
        try {
            return reader.nextIntervalHistogram();
        } catch (RuntimeException e) {
            throw new RunFormatException(file + ": cannot read interval " + (read + 1) + " as an HdrHistogram"
                    + " interval log line: " + e, e);
        }
    }

    /**
     * This log with its start and every interval {@code millis} later (earlier when negative), as if recorded on a
     * clock {@code millis} ahead; the histograms are shared, not copied (see {@link Interval#shifted}).
     */
    public LatencyLog shifted(long millis) {
        return millis == 0 ? this
                : new LatencyLog(file, startMillis + millis, intervals.stream().map(i -> i.shifted(millis)).toList());
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The log's start time (its {@code StartTime} header), epoch ms. */
    public long startMillis() {
        return startMillis;
    }

    /** Every interval, in file order. */
    public List<Interval> intervals() {
        return intervals;
    }
}
