package dev.rpcharness.junit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the buffer leaks Netty's {@link ResourceLeakDetector} reports, so a test can fail on them instead of
 * leaving a "LEAK:" line in a log nobody reads.
 *
 * <p>Netty keeps one buffer leak detector per JVM (a static field of {@code AbstractByteBuf}); this monitor
 * mirrors that: {@link #instance()} attaches a {@link ResourceLeakDetector.LeakListener} to it once and counts
 * every report. A leak is only reported after the leaked buffer was garbage-collected and Netty tracked another
 * allocation, which {@link #leaksSince(long)} provokes. Netty reports each distinct leak trace once per JVM,
 * and under parallel execution a leak is attributed to whichever test looks first.
 *
 * <p>Thread-safe.
 */
final class NettyLeakMonitor {

    private static final Logger log = LoggerFactory.getLogger(NettyLeakMonitor.class);
    private static final int MAX_KEPT = 100;
    private static final int ROUNDS = 3;

    private final List<String> reports = new ArrayList<>();
    private final boolean attached;
    private long count;

    private NettyLeakMonitor() {
        this.attached = attach();
    }

    /** The monitor of this JVM's Netty buffer leak detector. */
    static NettyLeakMonitor instance() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        private static final NettyLeakMonitor INSTANCE = new NettyLeakMonitor();
    }

    private boolean attach() {
        try {
            Class<?> type = Class.forName("io.netty.buffer.AbstractByteBuf");
            Field field = type.getDeclaredField("leakDetector");
            field.setAccessible(true);
            ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
            detector.setLeakListener(this::onLeak);
            if (ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.DISABLED) {
                log.warn("Netty leak detection is disabled: buffer leaks cannot be detected"
                        + " (run with -Dio.netty.leakDetection.level=paranoid)");
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot attach to Netty's buffer leak detector; buffer leaks will not fail tests", e);
            return false;
        }
    }

    private void onLeak(String resourceType, String records) {
        synchronized (reports) {
            count++;
            if (reports.size() < MAX_KEPT) {
                reports.add("LEAK: " + resourceType + " was not released before it was garbage-collected."
                        + (records == null || records.isEmpty() ? "" : " Recent access records:\n" + records));
            }
        }
    }

    /** Whether the monitor is attached to Netty's detector. */
    boolean attached() {
        return attached;
    }

    /** The number of leaks reported so far; pass it to {@link #leaksSince(long)} later. */
    long mark() {
        synchronized (reports) {
            return count;
        }
    }

    /**
     * Provokes leak reporting (garbage collection, then tracked allocations that make Netty drain its queue of
     * collected buffers) and returns the leaks reported after {@code mark}. Bounded: a few rounds, each a
     * collection and a short pause for the reference handler.
     */
    List<String> leaksSince(long mark) {
        if (!attached) {
            return List.of();
        }
        for (int round = 0; round < ROUNDS && mark() == mark; round++) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            drain();
        }
        synchronized (reports) {
            if (count == mark) {
                return List.of();
            }
            int from = (int) Math.min(reports.size(), Math.max(0, reports.size() - (count - mark)));
            List<String> fresh = new ArrayList<>(reports.subList(from, reports.size()));
            if (fresh.isEmpty()) {
                fresh.add((count - mark) + " leak(s) reported (details dropped after " + MAX_KEPT + ")");
            }
            return fresh;
        }
    }

    /** Tracked allocations: each makes Netty poll its queue of collected, unreleased buffers. */
    private static void drain() {
        for (int i = 0; i < 4; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(8);
            pooled.release();
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(8);
            unpooled.release();
        }
    }
}
