package dev.rpcharness.reports.run;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One second of a run: the latencies (µs) recorded in it, per {@link Tag}. Bucket {@code k} of a run covers
 * {@code (t0 + k s, t0 + (k+1) s]}. Mutable while a run is read or merged ({@link #add}), read-only afterwards.
 * Not thread-safe.
 */
public final class Bucket {

    private final int index;
    private final Map<Tag, Histogram> histograms = new TreeMap<>(
            (a, b) -> a.toString().compareTo(b.toString()));

    Bucket(int index) {
        this.index = index;
    }

    /** Seconds since the run's t0 at which this bucket starts. */
    public int index() {
        return index;
    }

    /** Adds {@code h}'s values to this bucket's histogram of {@code tag} (HdrHistogram adds losslessly). */
    void add(Tag tag, Histogram h) {
        histograms.computeIfAbsent(tag, t -> new Histogram(h.getNumberOfSignificantValueDigits())).add(h);
    }

    /** The histograms of this second, by tag (read-only). */
    public Map<Tag, Histogram> histograms() {
        return Collections.unmodifiableMap(histograms);
    }
}
