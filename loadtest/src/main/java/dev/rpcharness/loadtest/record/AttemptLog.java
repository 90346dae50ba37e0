package dev.rpcharness.loadtest.record;

import dev.rpcharness.consumer.policy.RetryBudgetState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amplification over time: once per interval, the calls that ended, the attempts they took (calls plus the
 * retries and hedges the client's retry budget let go), the retries and hedges it refused, the tokens left, and
 * the calls each provider received, written as one line of {@value #FILE} (docs/call-policies.md, "Amplification")
 * and kept for the scenario's checks. Attempts per call is {@code attempts / calls}; a client without policies has
 * as many attempts as calls. A retry of an attempt that was never written does not spend the budget, so it is not
 * counted among the attempts (it reached no provider); the providers' columns count what really arrived.
 *
 * <p>Life cycle: {@link #start()} once, when the load begins; {@link #close()} once, which takes a last sample and
 * closes the file. Threading: samples are taken on the log's own daemon thread; {@link #samples()} may be read
 * from any thread. The suppliers are called on that thread and must not block.
 */
public final class AttemptLog implements AutoCloseable {

    /** The file's name in a run folder. */
    public static final String FILE = "rpc-attempts.csv";
    /** At most this many samples are kept in memory (about 28 hours at one a second); the file has them all. */
    static final int MAX_SAMPLES = 100_000;

    private static final Logger log = LoggerFactory.getLogger(AttemptLog.class);

    private final Path file;
    private final Duration interval;
    private final LongSupplier calls;
    private final Supplier<RetryBudgetState> budget;
    private final Supplier<Map<String, Long>> received;
    private final List<AttemptSample> samples = new ArrayList<>();
    private final ScheduledExecutorService thread;
    private BufferedWriter out;
    private long lastCalls;
    private long lastRetries;
    private long lastRefused;
    private Map<String, Long> lastReceived = Map.of();
    private boolean closed;

    /**
     * @param file     where to write (its folder is created)
     * @param interval between samples
     * @param calls    calls ended so far, over every method and outcome
     * @param budget   the client's retry budget now
     * @param received calls received so far per provider {@code host:port}; an empty map when unknown
     */
    public AttemptLog(Path file, Duration interval, LongSupplier calls, Supplier<RetryBudgetState> budget,
            Supplier<Map<String, Long>> received) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        this.file = file;
        this.interval = interval;
        this.calls = calls;
        this.budget = budget;
        this.received = received;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rpc-attempt-log");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the file, writes its header and samples once per interval from now on.
     *
     * @throws UncheckedIOException when the file cannot be created
     * @throws IllegalStateException when started twice or after close
     */
    public synchronized AttemptLog start() {
        if (out != null || closed) {
            throw new IllegalStateException("attempt log " + file + " was already started");
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            lastCalls = calls.getAsLong();
            RetryBudgetState b = budget.get();
            lastRetries = b.retries();
            lastRefused = b.refused();
            lastReceived = new LinkedHashMap<>(received.get());
            StringBuilder header = new StringBuilder("epoch_ms,calls,attempts,refused,tokens");
            for (String provider : lastReceived.keySet()) {
                header.append(",received@").append(provider);
            }
            out.write(header.append('\n').toString());
        } catch (IOException e) {
            thread.shutdown();
            closed = true;
            if (out != null) {
                try {
                    out.close();
                } catch (IOException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw new UncheckedIOException("cannot create attempt log " + file, e);
        }
        long ms = interval.toMillis();
        thread.scheduleAtFixedRate(this::sampleQuietly, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            log.warn("attempt sample for {} failed", file, e);
        }
    }

    private synchronized void sample() {
        if (out == null || closed) {
            return;
        }
        long c = calls.getAsLong();
        RetryBudgetState b = budget.get();
        Map<String, Long> r = received.get();
        Map<String, Long> delta = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : lastReceived.entrySet()) {
            delta.put(e.getKey(), r.getOrDefault(e.getKey(), e.getValue()) - e.getValue());
        }
        long callDelta = c - lastCalls;
        AttemptSample s = new AttemptSample(System.currentTimeMillis(), callDelta,
                callDelta + b.retries() - lastRetries, b.refused() - lastRefused,
                Double.isInfinite(b.tokens()) ? -1 : b.tokens(), delta);
        lastCalls = c;
        lastRetries = b.retries();
        lastRefused = b.refused();
        for (String provider : lastReceived.keySet()) {
            lastReceived.put(provider, r.getOrDefault(provider, lastReceived.get(provider)));
        }
        if (samples.size() < MAX_SAMPLES) {
            samples.add(s);
        }
        try {
            out.write(s.csvLine(lastReceived.keySet()));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write attempt log " + file, e);
        }
    }

    /** The samples so far, in order. */
    public synchronized List<AttemptSample> samples() {
        return List.copyOf(samples);
    }

    /** The file written. */
    public Path file() {
        return file;
    }

    /** Attempts per call over the samples whose end lies in {@code [fromMillis, toMillis]} (epoch ms); 1 if none. */
    public double amplification(long fromMillis, long toMillis) {
        return AttemptSample.amplification(samples(), fromMillis, toMillis);
    }

    /** Stops sampling (the last partial interval is sampled) and closes the file. Idempotent. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("attempt log {} did not stop within 10 s", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            sample();
            closed = true;
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    log.warn("cannot close attempt log {}", file, e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "AttemptLog[%s, %d samples]", file, samples().size());
    }
}
