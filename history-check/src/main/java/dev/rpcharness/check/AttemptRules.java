package dev.rpcharness.check;

import dev.rpcharness.run.CallRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The attempt rules of docs/history.md applied to one call as the stream hands it on: {@code WRITTEN_ONCE} per
 * attempt, {@code ATTEMPTS_WITHIN_POLICY}, {@code NO_ATTEMPT_AFTER_DEADLINE}, {@code HEDGED_ENDS_ONCE} and
 * {@code NON_IDEMPOTENT_RUN_ONCE}; the methods' policies as the history's {@code policy} lines give them. Not
 * thread-safe: one per check, on the reading thread.
 */
final class AttemptRules {

    /** How much later than its deadline an attempt's start may be recorded (the deadline is fixed just after it). */
    private static final long DEADLINE_TOLERANCE_NANOS = 1_000_000L;

    private final Map<String, MethodPolicy> policies = new HashMap<>();
    private final Map<String, CallRules.ProviderView> providers;
    private final TimeLabels times;
    private final ReportTally tally;
    private final boolean runOver;

    /**
     * @param runOver whether the run is over: only then is an attempt of an ended hedged call that has not ended a
     *                violation (while it runs, the loser's cancellation may not be written yet)
     */
    AttemptRules(Map<String, CallRules.ProviderView> providers, TimeLabels times, ReportTally tally,
                 boolean runOver) {
        this.runOver = runOver;
        this.providers = providers;
        this.times = times;
        this.tally = tally;
    }

    /** A {@code policy} line. */
    void policy(String method, MethodPolicy policy) {
        policies.put(method, policy);
    }

    MethodPolicy policyOf(String method) {
        return method == null ? MethodPolicy.ONE_ATTEMPT : policies.getOrDefault(method, MethodPolicy.ONE_ATTEMPT);
    }

    /** Applies the attempt rules to a call with a start; {@code clientId} names its calls on providers' logs. */
    void check(CallRecord call, long callTimeoutMs, String clientId) {
        MethodPolicy policy = policyOf(call.method());
        writtenOnce(call);
        List<CallRecord.AttemptEvent> events = call.attempts();
        int starts = 0;
        int highest = 0;
        for (CallRecord.AttemptEvent e : events) {
            highest = Math.max(highest, e.attempt());
            if (!e.ended()) {
                starts++;
            }
        }
        for (CallRecord.Write w : call.writes()) {
            highest = Math.max(highest, w.attempt());
        }
        int made = Math.max(starts, highest);
        if (made > policy.maxAttempts()) {
            tally.violation(new Violation(Rule.ATTEMPTS_WITHIN_POLICY, call.seq(), call.label() + " made " + made
                    + " attempts, more than its policy allows (" + policy + "): " + describe(events)));
        }
        if (callTimeoutMs > 0) {
            long deadline = call.startNanos() + callTimeoutMs * 1_000_000L;
            for (CallRecord.AttemptEvent e : events) {
                if (!e.ended() && e.nanos() - deadline > DEADLINE_TOLERANCE_NANOS) {
                    tally.violation(new Violation(Rule.NO_ATTEMPT_AFTER_DEADLINE, call.seq(), call.label()
                            + ": attempt " + e.attempt() + " started at " + times.at(e.nanos()) + ", "
                            + TimeLabels.millis(e.nanos() - deadline) + " after the call's deadline at "
                            + times.at(deadline) + " (started at " + times.at(call.startNanos()) + ", call timeout "
                            + callTimeoutMs + " ms)"));
                }
            }
        }
        if (policy.hedged()) {
            hedgedEndsOnce(call, events);
        }
        if (!policy.idempotent() && call.writes().size() > 1) {
            ranOnce(call, clientId, policy);
        }
    }

    /** Each attempt (a call without attempts: the call) written at most once. */
    private void writtenOnce(CallRecord call) {
        List<CallRecord.Write> writes = call.writes();
        if (writes.size() < 2) {
            return;
        }
        for (int i = 0; i < writes.size(); i++) {
            int attempt = writes.get(i).attempt();
            boolean first = true;
            List<CallRecord.Write> same = new ArrayList<>(2);
            for (int j = 0; j < writes.size(); j++) {
                if (writes.get(j).attempt() == attempt) {
                    first &= j >= i;
                    same.add(writes.get(j));
                }
            }
            if (first && same.size() > 1) {
                tally.violation(new Violation(Rule.WRITTEN_ONCE, call.seq(), call.label()
                        + (attempt == 0 ? "" : ": attempt " + attempt) + " was written " + same.size() + " times: "
                        + same));
            }
        }
    }

    private void hedgedEndsOnce(CallRecord call, List<CallRecord.AttemptEvent> events) {
        CallRecord.End end = call.firstEnd();
        if (end == null) {
            return; // NONE_OPEN's business
        }
        if (call.ends().size() > 1) {
            tally.violation(new Violation(Rule.HEDGED_ENDS_ONCE, call.seq(), call.label() + " (hedged) ended "
                    + call.ends().size() + " times: " + call.ends()));
        }
        Map<Integer, int[]> perAttempt = new HashMap<>();
        for (CallRecord.AttemptEvent e : events) {
            int[] counts = perAttempt.computeIfAbsent(e.attempt(), k -> new int[2]);
            counts[e.ended() ? 1 : 0]++;
            if (!e.ended() && e.nanos() > end.nanos()) {
                tally.violation(new Violation(Rule.HEDGED_ENDS_ONCE, call.seq(), call.label() + " (hedged): attempt "
                        + e.attempt() + " started at " + times.at(e.nanos()) + ", after the call ended at "
                        + times.at(end.nanos())));
            }
        }
        perAttempt.forEach((attempt, counts) -> {
            if (counts[0] == 1 && (counts[1] > 1 || (counts[1] == 0 && runOver))) {
                tally.violation(new Violation(Rule.HEDGED_ENDS_ONCE, call.seq(), call.label() + " (hedged): attempt "
                        + attempt + " ended " + counts[1] + " times though the call ended at "
                        + times.at(end.nanos())));
            }
        });
    }

    /** A method that is not idempotent: at most one of the call's writes ran on its provider. */
    private void ranOnce(CallRecord call, String clientId, MethodPolicy policy) {
        List<CallRecord.Write> ran = new ArrayList<>(2);
        for (CallRecord.Write w : call.writes()) {
            CallRules.ProviderView p = providers.get(w.provider());
            if (p != null && p.executed() != null && p.executed().ran(clientId, w.localPort(), w.requestId())) {
                ran.add(w);
            }
        }
        if (ran.size() > 1) {
            List<String> where = new ArrayList<>(ran.size());
            for (CallRecord.Write w : ran) {
                CallRules.ProviderView p = providers.get(w.provider());
                where.add("attempt " + w.attempt() + " on " + p.name() + " " + w.provider() + " (local port "
                        + w.localPort() + ", id " + w.requestId() + ", written at " + times.at(w.nanos()) + ")");
            }
            tally.violation(new Violation(Rule.NON_IDEMPOTENT_RUN_ONCE, call.seq(), call.label() + " is not "
                    + "idempotent (" + policy + ") but ran " + ran.size() + " times: " + where));
        }
    }

    private String describe(List<CallRecord.AttemptEvent> events) {
        StringBuilder out = new StringBuilder();
        for (CallRecord.AttemptEvent e : events) {
            if (!e.ended()) {
                out.append(out.length() == 0 ? "" : ", ").append('#').append(e.attempt()).append(" at ")
                        .append(times.at(e.nanos()));
            }
        }
        return out.length() == 0 ? "no attempt lines" : out.toString();
    }
}
