package dev.rpcharness.scenarios.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples heap after GC, threads, open file descriptors and pending calls at a fixed period on a thread of its own,
 * from {@link #start()} to {@link #stop()}. Each sample forces a full collection, so the heap figure is what
 * stays reachable; at a period of seconds that costs the load little.
 *
 * <p>Thread-safe: samples are taken on the sampler's thread and read under its lock.
 */
public final class ResourceSampler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResourceSampler.class);

    private final Duration period;
    private final IntSupplier pendingCalls;
    private final List<ResourceSample> samples = new ArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-sampler");
        t.setDaemon(true);
        return t;
    });
    private long startNanos;

    public ResourceSampler(Duration period, IntSupplier pendingCalls) {
        this.period = period;
        this.pendingCalls = pendingCalls;
    }

    /** Takes the first sample now, then one per period. */
    public synchronized ResourceSampler start() {
        startNanos = System.nanoTime();
        thread.scheduleAtFixedRate(this::sample, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void sample() {
        try {
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            ResourceSample s = new ResourceSample(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                    heap, threads, openFileDescriptors(), pendingCalls.getAsInt());
            synchronized (this) {
                samples.add(s);
            }
            log.debug("soak sample {}", s);
        } catch (RuntimeException e) {
            log.warn("soak sample failed", e);
        }
    }

    /** The process's open descriptors, -1 where the platform does not tell. */
    static long openFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount() : -1L;
    }

    /** The samples so far, in order. */
    public synchronized List<ResourceSample> samples() {
        return List.copyOf(samples);
    }

    /** Stops sampling (a sample under way completes). Idempotent. */
    public void stop() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the samples as CSV (header line first). */
    public void writeCsv(Path file) {
        StringBuilder out = new StringBuilder(ResourceSample.CSV_HEADER).append('\n');
        samples().forEach(s -> out.append(s.csv()).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the soak samples to " + file, e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
