package dev.rpcharness.check;

import dev.rpcharness.run.HistoryReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code RETRY_BUDGET} rule (docs/history.md): replays the client's retry budget, a token bucket, from its
 * history's attempt lines in file order (the client records the budget's steps in the order it takes them), and
 * checks that every retry and hedge started while the bucket allowed one. Every event is handed on to the next
 * handler (the {@link dev.rpcharness.run.CallStream} of the other rules) after it is replayed.
 *
 * <p>The bucket, in thousandths of a token as the client keeps it: full ({@code maxTokens}) at the start; an
 * attempt that ends with a result gives back {@code tokenRatio} (up to full); a failed attempt of a call not yet
 * ended takes one token (down to none) when the client counts it: a timeout or a lost connection of a written
 * attempt, or a protocol error or a provider's error. Attempt {@code n >= 2} of a call is allowed when it is
 * <ul>
 *   <li>a resend: the call's last counted or unsent failure was of an attempt never written (free), or</li>
 *   <li>a retry: the call's last failure was counted and left more than half the bucket, or</li>
 *   <li>a hedge: the bucket holds more than half now.</li>
 * </ul>
 * So over every stretch of the history, the retries and hedges that started number at most the tokens above half
 * the bucket at its start plus {@code tokenRatio} times the successful attempts within it.
 *
 * <p>Memory: state per call with attempts, from its first attempt until it and all its attempts have ended. Not
 * thread-safe: one per check, on the reading thread.
 */
final class BudgetReplay implements HistoryReader.Handler {

    private static final Set<String> WHEN_WRITTEN = Set.of("dev.rpcharness.consumer.ConnectionLostException",
            "dev.rpcharness.consumer.RpcTimeoutException");
    private static final Set<String> ALWAYS = Set.of("dev.rpcharness.consumer.RpcProtocolException",
            "dev.rpcharness.consumer.RemoteInvocationException");

    /** What the call's last failure allows next. */
    private enum Pending { NONE, FREE, ALLOWED, REFUSED }

    /** One call with attempts. */
    private static final class CallBudget {
        int writtenMask;
        int started;
        int ended;
        boolean callEnded;
        Pending pending = Pending.NONE;
    }

    private final HistoryReader.Handler next;
    private final TimeLabels times;
    private final ReportTally tally;
    private final Map<Long, CallBudget> calls = new HashMap<>();
    private boolean on;
    private int maxTokens;
    private long maxMilli;
    private long ratioMilli;
    private long milli;
    private long retries;

    BudgetReplay(HistoryReader.Handler next, TimeLabels times, ReportTally tally) {
        this.next = next;
        this.times = times;
        this.tally = tally;
    }

    /** Attempts after the first (retries, hedges, resends) seen. */
    long retries() {
        return retries;
    }

    @Override
    public void budget(int tokens, double tokenRatio) {
        on = tokens > 0 && tokens < Integer.MAX_VALUE;
        maxTokens = tokens;
        maxMilli = tokens * 1000L;
        ratioMilli = Math.max(1, Math.round(tokenRatio * 1000));
        milli = maxMilli;
        next.budget(tokens, tokenRatio);
    }

    @Override
    public void attemptStart(long seq, int attempt, long nanos) {
        CallBudget call = calls.computeIfAbsent(seq, k -> new CallBudget());
        call.started++;
        if (attempt >= 2) {
            retries++;
            Pending pending = call.pending;
            call.pending = Pending.NONE;
            if (on && pending != Pending.FREE && pending != Pending.ALLOWED && !allows(milli)) {
                tally.violation(new Violation(Rule.RETRY_BUDGET, seq, "call #" + seq + ": attempt " + attempt
                        + " started at " + times.at(nanos) + " while the retry budget, replayed from the history, held "
                        + tokens(milli) + " of " + maxTokens + " tokens (a retry or hedge needs more than half)"
                        + (pending == Pending.REFUSED ? "; the failure before it left no more than half" : "")));
            }
        }
        next.attemptStart(seq, attempt, nanos);
    }

    @Override
    public void write(long seq, long nanos, String provider, int port, long requestId, int attempt) {
        CallBudget call = attempt > 0 && attempt < 32 && !calls.isEmpty() ? calls.get(seq) : null;
        if (call != null) {
            call.writtenMask |= 1 << attempt;
        }
        next.write(seq, nanos, provider, port, requestId, attempt);
    }

    @Override
    public void attemptEnd(long seq, int attempt, long nanos, String error) {
        CallBudget call = calls.get(seq);
        boolean written = call != null && attempt > 0 && attempt < 32 && (call.writtenMask & (1 << attempt)) != 0;
        if (error == null) {
            milli = Math.min(maxMilli, milli + ratioMilli);
        } else if (call != null && !call.callEnded) {
            if (ALWAYS.contains(error) || (written && WHEN_WRITTEN.contains(error))) {
                milli = Math.max(0, milli - 1000);
                call.pending = allows(milli) ? Pending.ALLOWED : Pending.REFUSED;
            } else if (WHEN_WRITTEN.contains(error)) {
                call.pending = Pending.FREE;
            }
        }
        if (call != null) {
            call.ended++;
            forgetIfDone(seq, call);
        }
        next.attemptEnd(seq, attempt, nanos, error);
    }

    @Override
    public void end(long seq, long nanos, String error) {
        CallBudget call = calls.isEmpty() ? null : calls.get(seq); // most calls have no attempts: no boxing
        if (call != null) {
            call.callEnded = true;
            forgetIfDone(seq, call);
        }
        next.end(seq, nanos, error);
    }

    private void forgetIfDone(long seq, CallBudget call) {
        if (call.callEnded && call.ended >= call.started) {
            calls.remove(seq);
        }
    }

    private boolean allows(long tokensMilli) {
        return tokensMilli > maxMilli / 2;
    }

    private static String tokens(long tokensMilli) {
        return String.format(java.util.Locale.ROOT, "%.3f", tokensMilli / 1000.0);
    }

    // The other events pass through unchanged.

    @Override
    public void header(long callTimeoutMs) {
        next.header(callTimeoutMs);
    }

    @Override
    public void client(String clientId) {
        next.client(clientId);
    }

    @Override
    public void start(long seq, long nanos, String method) {
        next.start(seq, nanos, method);
    }

    @Override
    public void write(long seq, long nanos, String provider, int port, long requestId) {
        write(seq, nanos, provider, port, requestId, 0);
    }

    @Override
    public void closed(long lost) {
        next.closed(lost);
    }

    @Override
    public void policy(String method, int maxAttempts, boolean idempotent, boolean hedged) {
        next.policy(method, maxAttempts, idempotent, hedged);
    }
}
