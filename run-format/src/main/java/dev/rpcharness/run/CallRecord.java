package dev.rpcharness.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a history file says about one call: its start, every write and every end (a correct client has at
 * most one write per attempt and exactly one end), and its attempts' starts and ends. Built by {@link HistoryFile}; not thread-safe, read-only once returned.
 */
public final class CallRecord {

    /** One write of the call to a provider; {@code attempt} is its attempt's number, 0 for a call without any. */
    public record Write(String provider, int localPort, long requestId, long nanos, int attempt) {

        /** A write of a call without attempts of its own. */
        public Write(String provider, int localPort, long requestId, long nanos) {
            this(provider, localPort, requestId, nanos, 0);
        }
    }

    /**
     * One attempt's start, or its end ({@code ended}: {@code error} is the failure's class name, null for a
     * result).
     */
    public record AttemptEvent(int attempt, long nanos, boolean ended, String error) {
    }

    /** One end of the call; {@code error} is the failure's class name, null for a result. */
    public record End(long nanos, String error) {
    }

    private final long seq;
    private String method;
    private long startNanos = -1;
    private final List<Write> writes = new ArrayList<>(1);
    private final List<End> ends = new ArrayList<>(1);
    /** Attempt starts and ends in file order; null while there is none (a call without a policy). */
    private List<AttemptEvent> attempts;

    CallRecord(long seq) {
        this.seq = seq;
    }

    void start(String method, long nanos) {
        this.method = method;
        this.startNanos = nanos;
    }

    void write(Write write) {
        writes.add(write);
    }

    void end(End end) {
        ends.add(end);
    }

    void attempt(AttemptEvent event) {
        if (attempts == null) {
            attempts = new ArrayList<>(4);
        }
        attempts.add(event);
    }

    /** Its attempts' starts and ends in file order; empty for a call without attempts of its own. */
    public List<AttemptEvent> attempts() {
        return attempts == null ? List.of() : attempts;
    }

    /** The last write, or null if it was never written. */
    public Write lastWrite() {
        return writes.isEmpty() ? null : writes.get(writes.size() - 1);
    }

    public long seq() {
        return seq;
    }

    /** {@code Interface#method}, or null when the start is missing. */
    public String method() {
        return method;
    }

    public boolean hasStart() {
        return startNanos >= 0;
    }

    public long startNanos() {
        return startNanos;
    }

    public List<Write> writes() {
        return writes;
    }

    public List<End> ends() {
        return ends;
    }

    /** The first write, or null if it was never written. */
    public Write firstWrite() {
        return writes.isEmpty() ? null : writes.get(0);
    }

    /** The first end, or null while it is open. */
    public End firstEnd() {
        return ends.isEmpty() ? null : ends.get(0);
    }

    /** "#seq Interface#method" (and where it was written), for messages. */
    public String label() {
        Write w = firstWrite();
        return "call #" + seq + " " + (method == null ? "(no start)" : method)
                + (w == null ? "" : " on " + w.provider() + " (local port " + w.localPort() + ", id "
                + w.requestId() + ")");
    }

    @Override
    public String toString() {
        return label() + " start=" + startNanos + " writes=" + writes + " ends=" + ends;
    }
}
