package dev.rpcharness.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A call history read as a stream of finished calls, in memory that does not grow with the history: a call is held
 * from its first event until its end plus a linger (events of a broken client that come after an end, such as a
 * second end or a late write, still join the call then), and handed to the {@link Listener} once the history's
 * clock (the latest event time read) has passed that; at most {@code maxLingering} ended calls wait at once, the
 * oldest going first beyond that. Calls still open when the file ends come last, in number order. An event of a
 * call already handed on is reported as late ({@link Listener#lateWrite}, {@link Listener#lateEnd}).
 *
 * <p>Memory: the calls open at once (a correct client's calls in flight, at most its call timeout plus the slack
 * old), the lingering ones, and the ranges of call numbers seen. Not thread-safe: one stream per file, on the
 * reading thread; the listener runs on it.
 */
public final class CallStream implements HistoryReader.Handler {

    /** What the stream hands on, on the reading thread, in file order. */
    public interface Listener {

        /** The header's call timeout (-1 when the header does not say). */
        default void header(long callTimeoutMs) {
        }

        /** The recording client's id (the {@code client} line), before its calls. */
        default void client(String clientId) {
        }

        /** A call the stream is done with: ended and lingered, or still open at the end of the file. */
        void call(CallRecord call);

        /** A write of call {@code seq}, handed on before (its end lingered out): a write after its end. */
        default void lateWrite(long seq, CallRecord.Write write) {
        }

        /** An end of call {@code seq}, handed on before: it ended again. */
        default void lateEnd(long seq, CallRecord.End end) {
        }

        /** The recorder closed the file having dropped {@code lost} events. */
        default void closed(long lost) {
        }

        /** The client's retry budget line. */
        default void budget(int maxTokens, double tokenRatio) {
        }

        /** A method's policy line: before any attempt of its calls, so before any of them is handed on. */
        default void policy(String method, int maxAttempts, boolean idempotent, boolean hedged) {
        }

        /** An attempt's start or end of call {@code seq}, handed on before (its end lingered out). */
        default void lateAttempt(long seq, CallRecord.AttemptEvent event) {
        }
    }

    /** Ended calls waiting out their linger, at most, by default. */
    public static final int MAX_LINGERING = 16_384;

    private final Listener listener;
    private final long lingerNanos;
    private final int maxLingering;
    private final Map<Long, CallRecord> live = new HashMap<>();
    private final ArrayDeque<CallRecord> lingering = new ArrayDeque<>();
    private final SeenSeqs seen = new SeenSeqs();
    private long clock = Long.MIN_VALUE;
    private long calls;

    /**
     * A stream into {@code listener}.
     *
     * @param linger       how long after its end a call still takes events
     * @param maxLingering ended calls held at most while they linger
     */
    public CallStream(Listener listener, Duration linger, int maxLingering) {
        this.listener = Objects.requireNonNull(listener, "listener");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative, was " + linger);
        }
        if (maxLingering < 0) {
            throw new IllegalArgumentException("maxLingering must not be negative, was " + maxLingering);
        }
        this.lingerNanos = linger.toNanos();
        this.maxLingering = maxLingering;
    }

    /** Reads {@code file} through a new stream into {@code listener}; returns the number of calls it held. */
    public static long read(Path file, Duration linger, Listener listener) {
        CallStream stream = new CallStream(listener, linger, MAX_LINGERING);
        HistoryReader.read(file, stream);
        stream.finish();
        return stream.calls();
    }

    /** Calls held now: open, or ended and lingering. */
    public int held() {
        return live.size();
    }

    /** Distinct call numbers seen so far. */
    public long calls() {
        return calls;
    }

    @Override
    public void header(long callTimeoutMs) {
        listener.header(callTimeoutMs);
    }

    @Override
    public void client(String clientId) {
        listener.client(clientId);
    }

    @Override
    public void start(long seq, long nanos, String method) {
        CallRecord call = live.get(seq);
        if (call == null && !seen.contains(seq)) {
            call = track(seq);
        }
        if (call != null && !call.hasStart()) {
            call.start(method, nanos);
        }
        advance(nanos);
    }

    @Override
    public void budget(int maxTokens, double tokenRatio) {
        listener.budget(maxTokens, tokenRatio);
    }

    @Override
    public void policy(String method, int maxAttempts, boolean idempotent, boolean hedged) {
        listener.policy(method, maxAttempts, idempotent, hedged);
    }

    @Override
    public void attemptStart(long seq, int attempt, long nanos) {
        attempt(seq, new CallRecord.AttemptEvent(attempt, nanos, false, null));
    }

    @Override
    public void attemptEnd(long seq, int attempt, long nanos, String error) {
        attempt(seq, new CallRecord.AttemptEvent(attempt, nanos, true, error));
    }

    private void attempt(long seq, CallRecord.AttemptEvent event) {
        CallRecord call = live.get(seq);
        if (call == null && seen.contains(seq)) {
            listener.lateAttempt(seq, event);
        } else {
            (call == null ? track(seq) : call).attempt(event);
        }
        advance(event.nanos());
    }

    @Override
    public void write(long seq, long nanos, String provider, int port, long requestId) {
        write(seq, nanos, provider, port, requestId, 0);
    }

    @Override
    public void write(long seq, long nanos, String provider, int port, long requestId, int attempt) {
        CallRecord.Write write = new CallRecord.Write(provider, port, requestId, nanos, attempt);
        CallRecord call = live.get(seq);
        if (call == null && seen.contains(seq)) {
            listener.lateWrite(seq, write);
        } else {
            (call == null ? track(seq) : call).write(write);
        }
        advance(nanos);
    }

    @Override
    public void end(long seq, long nanos, String error) {
        CallRecord.End end = new CallRecord.End(nanos, error);
        CallRecord call = live.get(seq);
        if (call == null && seen.contains(seq)) {
            listener.lateEnd(seq, end);
        } else {
            if (call == null) {
                call = track(seq);
            }
            call.end(end);
            if (call.ends().size() == 1) {
                lingering.addLast(call);
            }
        }
        advance(nanos);
    }

    @Override
    public void closed(long lost) {
        listener.closed(lost);
    }

    /** Hands on every call still held: the lingering ones in end order, then the open ones by number. */
    public void finish() {
        while (!lingering.isEmpty()) {
            release(lingering.pollFirst());
        }
        List<CallRecord> open = new ArrayList<>(live.values());
        open.sort(Comparator.comparingLong(CallRecord::seq));
        for (CallRecord call : open) {
            release(call);
        }
    }

    private CallRecord track(long seq) {
        CallRecord call = new CallRecord(seq);
        live.put(seq, call);
        seen.add(seq);
        calls++;
        return call;
    }

    private void advance(long nanos) {
        if (nanos > clock) {
            clock = nanos;
        }
        while (!lingering.isEmpty() && (lingering.size() > maxLingering
                || lingering.peekFirst().firstEnd().nanos() + lingerNanos < clock)) {
            release(lingering.pollFirst());
        }
    }

    private void release(CallRecord call) {
        live.remove(call.seq());
        listener.call(call);
    }
}
