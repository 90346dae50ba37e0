package dev.rpcharness.run;

import java.util.Map;
import java.util.TreeMap;

/**
 * The call numbers a history has shown, as ranges: a client numbers its calls 1, 2, 3, ..., so they are almost
 * always one range, and the memory grows only with the numbers skipped (never started) and not with the calls.
 * The highest range is held in two fields, so adding the next number is O(1). Not thread-safe.
 */
final class SeenSeqs {

    private final TreeMap<Long, Long> lower = new TreeMap<>();
    private long hiFrom;
    private long hiTo;

    boolean contains(long seq) {
        if (seq >= hiFrom) {
            return seq < hiTo;
        }
        Map.Entry<Long, Long> floor = lower.floorEntry(seq);
        return floor != null && seq < floor.getValue();
    }

    void add(long seq) {
        if (hiFrom == hiTo) {
            hiFrom = seq;
            hiTo = seq + 1;
        } else if (seq == hiTo) {
            hiTo++;
        } else if (seq > hiTo) {
            lower.put(hiFrom, hiTo);
            hiFrom = seq;
            hiTo = seq + 1;
        } else if (seq < hiFrom) {
            addBelow(seq);
        }
    }

    private void addBelow(long seq) {
        Map.Entry<Long, Long> floor = lower.floorEntry(seq);
        if (floor != null && seq < floor.getValue()) {
            return;
        }
        long from = seq;
        long to = seq + 1;
        if (floor != null && floor.getValue() == seq) {
            from = floor.getKey();
            lower.remove(from);
        }
        if (to == hiFrom) {
            hiFrom = from;
            return;
        }
        Long nextTo = lower.remove(to);
        lower.put(from, nextTo == null ? to : nextTo);
    }

    /** Ranges held besides the highest one (for tests: stays small when numbers come nearly in order). */
    int extraRanges() {
        return lower.size();
    }
}
