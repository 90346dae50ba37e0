package dev.rpcharness.check;

import dev.rpcharness.run.CallRecord;
import dev.rpcharness.run.CallStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of docs/history.md applied to one history's calls as its {@link CallStream} hands them on, each call
 * once, with the verdicts counted in a {@link ReportTally}. Not thread-safe: one per check, on the reading thread.
 */
final class CallRules implements CallStream.Listener {

    /**
     * How a call that was never written may end: rejected (no provider, overload, client closed, cancelled, a
     * timeout while queued) or lost with every connection it was handed to before any could write it (a crash).
     */
    private static final Set<String> UNSENT_ENDS = Set.of("dev.rpcharness.consumer.NoProviderException",
            "dev.rpcharness.consumer.OverloadException", "dev.rpcharness.consumer.ClientClosedException",
            "java.util.concurrent.CancellationException", "dev.rpcharness.consumer.RpcTimeoutException",
            "dev.rpcharness.consumer.RpcException", "dev.rpcharness.consumer.ConnectionLostException");
    private static final String TIMEOUT = "dev.rpcharness.consumer.RpcTimeoutException";
    private static final String LOST = "dev.rpcharness.consumer.ConnectionLostException";

    /** What the checker knows of one provider. */
    record ProviderView(String name, dev.rpcharness.run.ExecutedCallLog executed, List<FaultSpan> closingFaults) {
    }

    private final TimelineIndex timeline;
    private final Map<String, ProviderView> providers;
    private final TimeLabels times;
    private final AttemptRules attempts;
    private final long slackNanos;
    private final boolean runOver;
    private final ReportTally tally;
    private long callTimeoutMs = -1;
    private String clientId;
    private long lost;

    CallRules(TimelineIndex timeline, Map<String, ProviderView> providers, long originNanos, long slackNanos,
              boolean runOver, ReportTally tally) {
        this.timeline = timeline;
        this.providers = providers;
        this.times = new TimeLabels(originNanos);
        this.attempts = new AttemptRules(providers, times, tally, runOver);
        this.slackNanos = slackNanos;
        this.runOver = runOver;
        this.tally = tally;
    }

    /** Events the recorder said it dropped. */
    long lost() {
        return lost;
    }

    @Override
    public void header(long timeoutMs) {
        this.callTimeoutMs = timeoutMs;
    }

    @Override
    public void client(String id) {
        this.clientId = id;
    }

    @Override
    public void closed(long lostEvents) {
        this.lost = lostEvents;
    }

    @Override
    public void policy(String method, int maxAttempts, boolean idempotent, boolean hedged) {
        attempts.policy(method, new MethodPolicy(maxAttempts, idempotent, hedged));
    }

    @Override
    public void lateAttempt(long seq, CallRecord.AttemptEvent event) {
        if (!event.ended()) {
            tally.violation(new Violation(Rule.HEDGED_ENDS_ONCE, seq, "call #" + seq + ": attempt " + event.attempt()
                    + " started at " + at(event.nanos()) + ", after the call had ended (more than the slack of "
                    + millis(slackNanos) + " before)"));
        }
    }

    @Override
    public void lateWrite(long seq, CallRecord.Write w) {
        tally.violation(new Violation(Rule.NOT_WRITTEN_AFTER_END, seq, "call #" + seq + " was written to "
                + w.provider() + " (local port " + w.localPort() + ", id " + w.requestId() + ") at " + at(w.nanos())
                + ", after it had ended (more than the slack of " + millis(slackNanos) + " before)"));
    }

    @Override
    public void lateEnd(long seq, CallRecord.End end) {
        tally.violation(new Violation(Rule.ENDED_ONCE, seq, "call #" + seq + " ended again at " + at(end.nanos())
                + " (" + end + "), after it had ended (more than the slack of " + millis(slackNanos) + " before)"));
    }

    @Override
    public void call(CallRecord call) {
        if (!call.hasStart()) {
            tally.violation(new Violation(Rule.STARTED, call.seq(), call.label() + " has " + call.writes().size()
                    + " write(s) and " + call.ends().size() + " end(s) but no start"));
            return;
        }
        if (call.ends().size() > 1) {
            tally.violation(new Violation(Rule.ENDED_ONCE, call.seq(), call.label() + " ended " + call.ends().size()
                    + " times, at " + call.ends().stream().map(e -> at(e.nanos())).toList() + " (" + call.ends()
                    + ")"));
        }
        attempts.check(call, callTimeoutMs, clientId);
        CallRecord.End end = call.firstEnd();
        CallRecord.Write write = call.firstWrite();
        for (CallRecord.Write w : call.writes()) {
            flagIfDown(call, w);
        }
        if (end == null) {
            tally.open++;
            if (runOver) {
                tally.violation(new Violation(Rule.NONE_OPEN, call.seq(), call.label() + ", started at "
                        + at(call.startNanos()) + (write == null ? "" : ", written at " + at(write.nanos()))
                        + ", never ended"));
            }
            return;
        }
        CallOutcome outcome = CallOutcome.of(call);
        CallRecord.Write last = call.lastWrite();
        if (outcome == CallOutcome.INFO && droppedUnrun(last)) {
            outcome = CallOutcome.FAIL; // the provider read it after the caller's deadline and never ran it
        }
        switch (outcome) {
            case OK -> tally.ok++;
            case FAIL -> tally.fail++;
            default -> tally.info++;
        }
        if (write == null) {
            if (end.error() == null || !UNSENT_ENDS.contains(end.error())) {
                tally.violation(new Violation(Rule.UNSENT_ONLY_REJECTED, call.seq(), call.label()
                        + " was never written but ended at " + at(end.nanos()) + " with "
                        + (end.error() == null ? "a result" : end.error())));
            }
        } else {
            for (CallRecord.Write w : call.writes()) {
                if (w.nanos() > end.nanos()) {
                    tally.violation(new Violation(Rule.NOT_WRITTEN_AFTER_END, call.seq(), call.label()
                            + " was written to " + w.provider() + " at " + at(w.nanos()) + ", "
                            + millis(w.nanos() - end.nanos()) + " after it ended at " + at(end.nanos())));
                }
            }
        }
        if (TIMEOUT.equals(end.error())) {
            timeoutBounds(call, write, end);
        }
        if (LOST.equals(end.error()) && last != null && !lossExplained(last, end)) {
            ProviderView p = providers.get(last.provider());
            tally.violation(new Violation(Rule.CONNECTION_LOST_HAS_CAUSE, call.seq(), call.label()
                    + " lost its connection at " + at(end.nanos()) + " (written at " + at(last.nanos())
                    + "), but the timeline shows " + (p == null ? "provider " + last.provider() : p.name())
                    + " neither crashing, stopping, restarting, closing nor its link resetting within " + millis(slackNanos)
                    + ", and no fault plan able to end connections in force on it then"));
        }
        if (outcome == CallOutcome.INFO) {
            ranOrNot(call.writes());
        }
    }

    private void timeoutBounds(CallRecord call, CallRecord.Write write, CallRecord.End end) {
        long timeoutNanos = Math.max(0, callTimeoutMs) * 1_000_000L;
        if (timeoutNanos == 0) {
            return;
        }
        long total = end.nanos() - call.startNanos();
        // A call with attempts may time out sooner: its policy's attempt timeout ends each attempt early.
        if (total < timeoutNanos - 1_000_000L && call.attempts().isEmpty()) {
            tally.violation(new Violation(Rule.TIMEOUT_BOUNDS, call.seq(), call.label() + " timed out after "
                    + millis(total) + ", less than the call timeout of " + callTimeoutMs + " ms"));
        }
        if (write != null && end.nanos() - write.nanos() > timeoutNanos + slackNanos) {
            tally.violation(new Violation(Rule.TIMEOUT_BOUNDS, call.seq(), call.label() + " timed out "
                    + millis(end.nanos() - write.nanos()) + " after its write, more than the call timeout of "
                    + callTimeoutMs + " ms plus the slack of " + millis(slackNanos)));
        }
    }

    private boolean droppedUnrun(CallRecord.Write write) {
        ProviderView p = write == null ? null : providers.get(write.provider());
        return p != null && p.executed() != null && p.executed().expired(clientId, write.localPort(), write.requestId());
    }

    /** An info call ran when any of its writes ran; did not run when none did in complete logs. */
    private void ranOrNot(List<CallRecord.Write> writes) {
        boolean known = !writes.isEmpty();
        for (CallRecord.Write write : writes) {
            ProviderView p = providers.get(write.provider());
            if (p == null || p.executed() == null) {
                known = false;
            } else if (p.executed().ran(clientId, write.localPort(), write.requestId())) {
                tally.infoRan++;
                return;
            } else if (!p.executed().complete()) {
                known = false;
            }
        }
        if (known) {
            tally.infoNotRan++;
        } else {
            tally.infoUnknown++;
        }
    }

    private boolean lossExplained(CallRecord.Write write, CallRecord.End end) {
        ProviderView p = providers.get(write.provider());
        if (p == null) {
            return true; // not a provider of this cluster: nothing to hold it against
        }
        long from = write.nanos() - slackNanos;
        long to = end.nanos() + slackNanos;
        for (FaultSpan span : p.closingFaults()) {
            if (span.overlaps(from, to)) {
                return true;
            }
        }
        return timeline.closedWithin(p.name(), from, to);
    }

    /** Flags a call written while the timeline shows its provider frozen or crashed. */
    private void flagIfDown(CallRecord call, CallRecord.Write write) {
        ProviderView p = providers.get(write.provider());
        TimelineIndex.Down down = p == null ? null : timeline.downAt(p.name(), write.nanos());
        if (down != null) {
            tally.flagged(() -> call.label() + " written at " + at(write.nanos()) + " to " + p.name() + ", "
                    + down.state() + " since " + at(down.since()));
        }
    }

    private String at(long nanos) {
        return times.at(nanos);
    }

    private static String millis(long nanos) {
        return TimeLabels.millis(nanos);
    }
}
