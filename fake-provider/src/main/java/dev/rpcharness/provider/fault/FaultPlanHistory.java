package dev.rpcharness.provider.fault;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Which fault plan a provider ran when: every installation with its {@link System#nanoTime()}, so the call-history
 * checker can tell whether a plan able to end connections was in force around a lost call (not merely installed at
 * some time). Keeps the last {@value #MAX_ENTRIES} installations; before the oldest kept one it answers "unknown",
 * which {@link #closingSpans()} reports as a span from the beginning.
 *
 * <p>Thread-safe: any thread may {@link #installed} while others read.
 */
public final class FaultPlanHistory {

    /** Installations kept. */
    public static final int MAX_ENTRIES = 4096;

    /** A time span, in {@link System#nanoTime()} readings; {@code toNanos} is {@link Long#MAX_VALUE} while open. */
    public record Span(long fromNanos, long toNanos) {
    }

    private record Entry(long sinceNanos, boolean closes) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private boolean truncated;

    /** A history whose first plan was in force from the beginning (a provider's plan from its builder). */
    public FaultPlanHistory(FaultPlan initial) {
        entries.add(new Entry(Long.MIN_VALUE, Objects.requireNonNull(initial, "initial").closesConnections()));
    }

    /** Records that {@code plan} replaced the previous plan at {@code nanos}. */
    public synchronized void installed(FaultPlan plan, long nanos) {
        entries.add(new Entry(nanos, plan.closesConnections()));
        if (entries.size() > MAX_ENTRIES) {
            entries.removeFirst();
            truncated = true;
        }
    }

    /**
     * The spans during which a plan able to end connections was installed, in time order; a span starts at {@link
     * Long#MIN_VALUE} when that is from the beginning or before what the history still knows.
     */
    public synchronized List<Span> closingSpans() {
        List<Span> out = new ArrayList<>();
        // Before the oldest installation kept, the plan is unknown: counted as one that could end connections.
        boolean open = truncated;
        long from = Long.MIN_VALUE;
        for (Entry e : entries) {
            if (e.closes() && !open) {
                from = e.sinceNanos();
                open = true;
            } else if (!e.closes() && open) {
                out.add(new Span(from, e.sinceNanos()));
                open = false;
            }
        }
        if (open) {
            out.add(new Span(from, Long.MAX_VALUE));
        }
        return out;
    }
}
