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
    private final long originNanos;
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
        this.originNanos = originNanos;
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
        if (call.writes().size() > 1) {
            tally.violation(new Violation(Rule.WRITTEN_ONCE, call.seq(), call.label() + " was written "
                    + call.writes().size() + " times: " + call.writes()));
        }
        CallRecord.End end = call.firstEnd();
        CallRecord.Write write = call.firstWrite();
        if (write != null) {
            flagIfDown(call, write);
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
        if (outcome == CallOutcome.INFO && droppedUnrun(write)) {
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
        if (LOST.equals(end.error()) && write != null && !lossExplained(write, end)) {
            ProviderView p = providers.get(write.provider());
            tally.violation(new Violation(Rule.CONNECTION_LOST_HAS_CAUSE, call.seq(), call.label()
                    + " lost its connection at " + at(end.nanos()) + " (written at " + at(write.nanos())
                    + "), but the timeline shows " + (p == null ? "provider " + write.provider() : p.name())
                    + " neither crashing, stopping, restarting, closing nor its link resetting within " + millis(slackNanos)
                    + ", and no fault plan able to end connections in force on it then"));
        }
        if (outcome == CallOutcome.INFO) {
            ranOrNot(write);
        }
    }

    private void timeoutBounds(CallRecord call, CallRecord.Write write, CallRecord.End end) {
        long timeoutNanos = Math.max(0, callTimeoutMs) * 1_000_000L;
        if (timeoutNanos == 0) {
            return;
        }
        long total = end.nanos() - call.startNanos();
        if (total < timeoutNanos - 1_000_000L) {
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

    private void ranOrNot(CallRecord.Write write) {
        ProviderView p = write == null ? null : providers.get(write.provider());
        if (p == null || p.executed() == null) {
            tally.infoUnknown++;
        } else if (p.executed().ran(clientId, write.localPort(), write.requestId())) {
            tally.infoRan++;
        } else if (p.executed().complete()) {
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
        return String.format("%+.3fs", (nanos - originNanos) / 1e9);
    }

    private static String millis(long nanos) {
        return nanos / 1_000_000L + " ms";
    }
}
