package dev.rpcharness.loadtest.record;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/** Reads back an interval log written by {@link LatencyRecorder}: the intervals of each tag, in order. */
public final class IntervalLog {

    /**
     * One interval of one tag.
     *
     * @param tag         the tag
     * @param startMillis interval start, epoch ms
     * @param endMillis   interval end, epoch ms
     * @param histogram   the interval's latencies in µs
     */
    public record Interval(String tag, long startMillis, long endMillis, Histogram histogram) {

        public long count() {
            return histogram.getTotalCount();
        }

        /** Calls per second in this interval. */
        public double rate() {
            long ms = Math.max(1, endMillis - startMillis);
            return count() * 1000.0 / ms;
        }

        public String line() {
            return String.format(Locale.ROOT, "%-28s %7.0f/s  p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms", tag, rate(),
                    histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                    histogram.getMaxValue() / 1000.0);
        }
    }

    private IntervalLog() {
    }

    /** Every interval in {@code log}, grouped by tag (sorted), each list in time order. */
    public static Map<String, List<Interval>> read(Path log) {
        Map<String, List<Interval>> byTag = new TreeMap<>();
        HistogramLogReader reader;
        try {
            reader = new HistogramLogReader(log.toFile());
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException("no interval log at " + log, e);
        }
        try {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                Histogram histogram = (Histogram) h;
                byTag.computeIfAbsent(h.getTag(), t -> new ArrayList<>()).add(new Interval(h.getTag(),
                        histogram.getStartTimeStamp(), histogram.getEndTimeStamp(), histogram));
            }
        } finally {
            reader.close();
        }
        return byTag;
    }
}
