package dev.rpcharness.loadtest.record;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records call latencies at microsecond resolution into HdrHistogram {@link Recorder}s, one per tag, and writes them
 * as an HdrHistogram interval log (one interval per {@code interval}, one tagged histogram per tag and interval).
 *
 * <p>Tags: {@code <method>/<outcome>} for every call, and {@code <method>@<host:port>/<outcome>} as well when the
 * provider is known, for example {@code echo/ok}, {@code echo@127.0.0.1:20881/timeout}. Outcomes are
 * {@link Outcome#label()}s, so ok, remote-error, timeout, connection-lost, no-provider and protocol-error never mix.
 * Any HdrHistogram tool reads the log ({@code HistogramLogReader}, {@code HistogramLogProcessor -tag echo/ok}).
 *
 * <p>Threading: {@link #record} is lock-free on the hot path and may be called from any thread (the consumer's
 * callback threads). Intervals are written by one daemon thread the recorder owns; it also accumulates the
 * interval histograms into per-tag totals for {@link #totals()}. Lifecycle: started by the constructor;
 * {@link #close()} lets the thread finish the interval it writes (it never interrupts it), writes the last interval
 * and closes the file; idempotent. A failed write is never silent: it is logged once, and close then throws.
 */
public final class LatencyRecorder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LatencyRecorder.class);
    private static final int SIGNIFICANT_DIGITS = 3;
    /**
     * The longest latency recorded, µs (an hour; longer ones count as an hour). The recorders' range is fixed: an
     * auto-resizing one grows its fresh interval histogram on the calls' threads, which the benchmark's profile
     * showed as a third of the recording's cost.
     */
    static final long MAX_MICROS = 3_600_000_000L;
    /** Microseconds to milliseconds in the log's max column. */
    private static final double MAX_VALUE_UNIT_RATIO = 1000.0;

    private final Path logFile;
    private final ConcurrentHashMap<String, Recorder> recorders = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
    /** The hot path's way to the recorders and counts above, without building a tag per call. */
    private final TagSlots slots = new TagSlots(this::recorder, this::counter);
    /** Totals per tag, written only under the lock of {@code this}. */
    private final Map<String, Histogram> totals = new TreeMap<>();
    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final long baseTimeMillis;
    private final ScheduledExecutorService scheduler;
    private boolean closed;
    /** Set once a write to the log failed (PrintStream keeps no exception, only this state). */
    private boolean writeFailed;
    /** Written by the interval writer, read by any thread. */
    private volatile long lastIntervalP99Micros;
    private long firstStartMillis = Long.MAX_VALUE;
    private long lastEndMillis = Long.MIN_VALUE;

    /**
     * Opens {@code logFile} (its folder is created) and writes an interval every {@code interval}.
     *
     * @throws UncheckedIOException when the file cannot be created
     */
    public LatencyRecorder(Path logFile, Duration interval) {
        this(logFile, interval, open(logFile));
    }

    /** Writes to {@code stream} (named {@code logFile} in messages); for tests of failing streams. */
    LatencyRecorder(Path logFile, Duration interval, OutputStream stream) {
        this.logFile = Objects.requireNonNull(logFile, "logFile");
        this.out = new PrintStream(stream, false, StandardCharsets.US_ASCII);
        this.baseTimeMillis = System.currentTimeMillis();
        this.writer = new HistogramLogWriter(out);
        writer.outputComment("RPC Harness call latencies in microseconds (max column in ms), measured from each "
                + "call's intended start; tags are <method>[@<provider>]/<outcome>");
        writer.outputLogFormatVersion();
        writer.setBaseTime(baseTimeMillis);
        writer.outputStartTime(baseTimeMillis);
        writer.outputBaseTime(baseTimeMillis);
        writer.outputLegend();
        if (out.checkError()) {
            out.close();
            throw new UncheckedIOException("cannot write the header of latency log " + logFile,
                    new IOException("the stream reported a write error"));
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latency-log-" + logFile.getFileName());
            t.setDaemon(true);
            return t;
        });
        long periodMillis = Math.max(1, interval.toMillis());
        scheduler.scheduleAtFixedRate(this::writeIntervalQuietly, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Records one call.
     *
     * @param method       the method name (the tag's first part)
     * @param provider     {@code host:port} of the provider, or null when unknown
     * @param outcome      how the call ended
     * @param latencyNanos from the call's intended start to its end; negative values count as 0, values over an
     *                     hour as an hour
     */
    public void record(String method, String provider, Outcome outcome, long latencyNanos) {
        slots.record(method, provider, outcome, Math.min(MAX_MICROS, Math.max(0, latencyNanos / 1_000L)));
    }

    private static OutputStream open(Path logFile) {
        try {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // A FileOutputStream: no interrupt of any thread can close it under the writer.
            return new BufferedOutputStream(new FileOutputStream(logFile.toFile()), 64 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create latency log " + logFile, e);
        }
    }

    private LongAdder counter(String tag) {
        LongAdder c = counts.get(tag);
        if (c == null) {
            c = counts.computeIfAbsent(tag, t -> new LongAdder());
        }
        return c;
    }

    /** Live count of calls recorded under {@code tag} so far (not only written intervals); 0 for an unknown tag. */
    public long count(String tag) {
        LongAdder c = counts.get(tag);
        return c == null ? 0L : c.sum();
    }

    /** Live count of {@code method}'s calls that ended with {@code outcome}, over every provider. */
    public long count(String method, Outcome outcome) {
        return count(method + "/" + outcome.label());
    }

    /** Live count of every call recorded so far, over every method, provider and outcome. */
    public long callCount() {
        long sum = 0;
        for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
            if (e.getKey().indexOf('@') < 0) {
                sum += e.getValue().sum();
            }
        }
        return sum;
    }

    /** Live count of every call recorded so far that did not end {@link Outcome#OK}. */
    public long failedCount() {
        String ok = "/" + Outcome.OK.label();
        long sum = 0;
        for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
            if (e.getKey().indexOf('@') < 0 && !e.getKey().endsWith(ok)) {
                sum += e.getValue().sum();
            }
        }
        return sum;
    }

    /** A snapshot of every live count, by tag, sorted. */
    public Map<String, Long> counts() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((tag, c) -> snapshot.put(tag, c.sum()));
        return snapshot;
    }

    private Recorder recorder(String tag) {
        Recorder r = recorders.get(tag);
        if (r == null) {
            r = recorders.computeIfAbsent(tag, t -> new Recorder(1, MAX_MICROS, SIGNIFICANT_DIGITS));
        }
        return r;
    }

    /** The p99 of every call that ended in the last interval written, µs (0 when none ended): a live view's. */
    public long lastIntervalP99Micros() {
        return lastIntervalP99Micros;
    }

    /** The interval log this recorder writes. */
    public Path logFile() {
        return logFile;
    }

    /** {@link Clock#millis()} at which the log starts (its base time). */
    public long baseTimeMillis() {
        return baseTimeMillis;
    }

    /**
     * Writes the interval that ends now: every tag that recorded a value since the last interval. Runs on the
     * recorder's thread every interval; callable from any thread (tests, close).
     */
    public synchronized void writeInterval() {
        if (closed) {
            return;
        }
        List<String> tags = new ArrayList<>(recorders.keySet());
        tags.sort(null);
        Histogram calls = new Histogram(SIGNIFICANT_DIGITS);
        for (String tag : tags) {
            Histogram h = recorders.get(tag).getIntervalHistogram();
            if (h.getTotalCount() == 0) {
                continue;
            }
            if (tag.indexOf('@') < 0) {
                calls.add(h);
            }
            h.setTag(tag);
            double start = (h.getStartTimeStamp() - baseTimeMillis) / 1000.0;
            double end = (h.getEndTimeStamp() - baseTimeMillis) / 1000.0;
            writer.outputIntervalHistogram(start, end, h, MAX_VALUE_UNIT_RATIO);
            totals.computeIfAbsent(tag, t -> new Histogram(SIGNIFICANT_DIGITS)).add(h);
            firstStartMillis = Math.min(firstStartMillis, h.getStartTimeStamp());
            lastEndMillis = Math.max(lastEndMillis, h.getEndTimeStamp());
        }
        lastIntervalP99Micros = calls.getTotalCount() == 0 ? 0 : calls.getValueAtPercentile(99);
        if (out.checkError() && !writeFailed) {
            writeFailed = true;
            log.error("cannot write latency log {}: intervals from now on are lost (the totals keep them)", logFile);
        }
    }

    private void writeIntervalQuietly() {
        try {
            writeInterval();
        } catch (RuntimeException e) {
            log.warn("cannot write a latency interval to {}", logFile, e);
        }
    }

    /**
     * Copies of the per-tag totals of every interval written so far (call {@link #writeInterval()} first for the
     * latest values), sorted by tag.
     */
    public synchronized Map<String, Histogram> totals() {
        Map<String, Histogram> copy = new TreeMap<>();
        totals.forEach((tag, h) -> copy.put(tag, h.copy()));
        return copy;
    }

    /**
     * The histogram of every value recorded under {@code tag} so far: writes the interval that ends now first, so
     * it includes the latest calls. An empty histogram for an unknown tag. A copy: the caller may keep it.
     */
    public synchronized Histogram totalSoFar(String tag) {
        writeInterval();
        Histogram h = totals.get(tag);
        return h == null ? new Histogram(SIGNIFICANT_DIGITS) : h.copy();
    }

    /** Start of the first written interval that held values (epoch ms), or the base time when none did. */
    public synchronized long firstIntervalStartMillis() {
        return firstStartMillis == Long.MAX_VALUE ? baseTimeMillis : firstStartMillis;
    }

    /** End of the last written interval that held values (epoch ms), or the base time when none did. */
    public synchronized long lastIntervalEndMillis() {
        return lastEndMillis == Long.MIN_VALUE ? baseTimeMillis : lastEndMillis;
    }

    /** Per-tag summaries of {@link #totals()}, sorted by tag. */
    public List<LatencySummary> summaries() {
        List<LatencySummary> list = new ArrayList<>();
        totals().forEach((tag, h) -> list.add(LatencySummary.of(tag, h)));
        return list;
    }

    /**
     * Stops the writer thread without interrupting it (an interval being written is finished), writes the last
     * interval and closes the log file. Idempotent.
     *
     * @throws UncheckedIOException naming the log when any interval could not be written (the log is incomplete)
     */
    @Override
    public void close() {
        scheduler.shutdown(); // cancels the periodic task; never interrupts a write in progress
        boolean interrupted = false;
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("latency log writer of {} still writes after 30 s; closing after it", logFile);
            }
        } catch (InterruptedException e) {
            interrupted = true; // keep closing: the last interval must still be written
        }
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                writeInterval();
                closed = true;
                out.close();
                if (out.checkError() || writeFailed) {
                    throw new UncheckedIOException("latency log " + logFile + " is incomplete: writing it failed "
                            + "(the recorder's totals and summaries are complete)",
                            new IOException("the stream reported a write error"));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "LatencyRecorder[" + logFile + ", tags=" + recorders.keySet() + "]";
    }
}
