package dev.rpcharness.check;

import dev.rpcharness.run.TimelineAction;
import dev.rpcharness.run.TimelineEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the checker asks of a cluster's timeline, answered by binary search: did something close a provider's
 * connections within a span (its crash, stop, restart, session expiry or close, or the cluster closing), and was
 * the provider frozen or crashed at a moment. Built in one pass over the events, keeping only those two kinds per
 * provider, so its size grows with the chaos steps and not with the other events (routing observations, marks).
 * Immutable and thread-safe once built.
 */
final class TimelineIndex {

    /** One span a provider did not serve: {@code state} ("frozen", "crashed") from {@code since} until {@code until}. */
    record Down(long since, long until, String state) {
    }

    private static final long[] NONE = new long[0];

    private final Map<String, long[]> closing = new HashMap<>();
    private final long[] clusterClosing;
    private final Map<String, List<Down>> down = new HashMap<>();

    TimelineIndex(Iterable<TimelineEvent> events) {
        Map<String, List<Long>> closes = new HashMap<>();
        List<Long> clusterCloses = new ArrayList<>();
        Map<String, Down> current = new HashMap<>();
        long last = Long.MIN_VALUE;
        boolean ordered = true;
        for (TimelineEvent e : events) {
            long t = e.monotonicNanos();
            ordered &= t >= last;
            last = Math.max(last, t);
            if (e.action().equals(TimelineAction.CLUSTER_CLOSE.label())) {
                clusterCloses.add(t);
            } else if (TimelineAction.closesConnections(e.action())) {
                closes.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(t);
            }
            String state = switch (e.action()) {
                case "provider-freeze" -> "frozen";
                case "provider-crash" -> "crashed";
                case "provider-thaw", "provider-restart", "provider-start" -> "";
                default -> null;
            };
            if (state != null) {
                Down open = current.remove(e.subject());
                if (open != null) {
                    down.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(new Down(open.since(), t,
                            open.state()));
                }
                if (!state.isEmpty()) {
                    current.put(e.subject(), new Down(t, Long.MAX_VALUE, state));
                }
            }
        }
        if (!ordered) {
            throw new IllegalArgumentException("timeline events must come in time order (as Timeline records them)");
        }
        current.forEach((subject, open) -> down.computeIfAbsent(subject, k -> new ArrayList<>()).add(open));
        closes.forEach((subject, times) -> closing.put(subject, sorted(times)));
        this.clusterClosing = sorted(clusterCloses);
    }

    /** Whether something closed {@code provider}'s connections at a moment in {@code [from, to]}. */
    boolean closedWithin(String provider, long from, long to) {
        return within(closing.getOrDefault(provider, NONE), from, to) || within(clusterClosing, from, to);
    }

    /** The span in which {@code provider} did not serve at {@code nanos}, or null when it served. */
    Down downAt(String provider, long nanos) {
        List<Down> spans = down.get(provider);
        if (spans == null) {
            return null;
        }
        int lo = 0;
        int hi = spans.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (spans.get(mid).since() <= nanos) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (hi < 0) {
            return null;
        }
        Down d = spans.get(hi);
        return nanos < d.until() ? d : null;
    }

    private static boolean within(long[] times, long from, long to) {
        int i = Arrays.binarySearch(times, from);
        int first = i >= 0 ? i : -i - 1;
        // binarySearch may land on any of equal times: step back to the first of them.
        while (first > 0 && times[first - 1] >= from) {
            first--;
        }
        return first < times.length && times[first] <= to;
    }

    private static long[] sorted(List<Long> times) {
        long[] out = times.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(out);
        return out;
    }
}
