package dev.rpcharness.check;

import dev.rpcharness.run.CallRecord;
import dev.rpcharness.run.ExecutedCallLog;
import dev.rpcharness.run.HistoryFile;
import dev.rpcharness.run.TimelineAction;
import dev.rpcharness.run.TimelineEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a call history against the rules of docs/history.md, the cluster's timeline and the providers'
 * executed-call logs, and counts ok / fail / info. Build one per check ({@link #builder()}); immutable and
 * thread-safe once built. All times are {@link System#nanoTime()} readings of one JVM: the history, the timeline
 * and the providers must have lived in the same process (as in {@code @WithRpcCluster} tests and the scenarios).
 */
public final class HistoryChecker {

    /**
     * How a call that was never written may end: rejected (no provider, overload, client closed, cancelled, a
     * timeout while queued) or lost with every connection it was handed to before any could write it (a crash).
     */
    private static final Set<String> REJECTIONS = Set.of("dev.rpcharness.consumer.NoProviderException",
            "dev.rpcharness.consumer.OverloadException", "dev.rpcharness.consumer.ClientClosedException",
            "java.util.concurrent.CancellationException", "dev.rpcharness.consumer.RpcTimeoutException",
            "dev.rpcharness.consumer.RpcException", "dev.rpcharness.consumer.ConnectionLostException");
    private static final String TIMEOUT = "dev.rpcharness.consumer.RpcTimeoutException";
    private static final String LOST = "dev.rpcharness.consumer.ConnectionLostException";

    /** What the checker knows of one provider. */
    private record ProviderView(String name, ExecutedCallLog executed, List<FaultSpan> closingFaults) {
    }

    private final List<TimelineEvent> timeline;
    private final long originNanos;
    private final Map<String, ProviderView> providers;
    private final long slackNanos;
    private final boolean runOver;

    private HistoryChecker(Builder b) {
        this.timeline = List.copyOf(b.timeline);
        this.originNanos = b.originNanos;
        this.providers = Map.copyOf(b.providers);
        this.slackNanos = b.slack.toNanos();
        this.runOver = b.runOver;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks one history. */
    public CheckReport check(HistoryFile history) {
        List<Violation> violations = new ArrayList<>();
        List<String> flagged = new ArrayList<>();
        long timeoutNanos = Math.max(0, history.callTimeoutMs()) * 1_000_000L;
        long ok = 0;
        long fail = 0;
        long info = 0;
        long ran = 0;
        long notRan = 0;
        long unknown = 0;
        long open = 0;
        if (history.lost() > 0) {
            violations.add(new Violation(Rule.COMPLETE, 0, history.file() + ": the recorder lost " + history.lost()
                    + " events (its queue stayed full); the history cannot be checked call by call"));
        }
        for (CallRecord call : history.calls()) {
            if (!call.hasStart()) {
                violations.add(new Violation(Rule.STARTED, call.seq(), call.label() + " has "
                        + call.writes().size() + " write(s) and " + call.ends().size() + " end(s) but no start"));
                continue;
            }
            if (call.ends().size() > 1) {
                violations.add(new Violation(Rule.ENDED_ONCE, call.seq(), call.label() + " ended "
                        + call.ends().size() + " times, at " + times(call.ends().stream().map(CallRecord.End::nanos)
                        .toList()) + " (" + call.ends() + ")"));
            }
            if (call.writes().size() > 1) {
                violations.add(new Violation(Rule.WRITTEN_ONCE, call.seq(), call.label() + " was written "
                        + call.writes().size() + " times: " + call.writes()));
            }
            CallRecord.End end = call.firstEnd();
            CallRecord.Write write = call.firstWrite();
            if (end == null) {
                open++;
                if (runOver) {
                    violations.add(new Violation(Rule.NONE_OPEN, call.seq(), call.label() + ", started at "
                            + at(call.startNanos()) + (write == null ? "" : ", written at " + at(write.nanos()))
                            + ", never ended"));
                }
                if (write != null) {
                    flagIfDown(call, write, flagged);
                }
                continue;
            }
            CallOutcome outcome = CallOutcome.of(call);
            switch (outcome) {
                case OK -> ok++;
                case FAIL -> fail++;
                default -> info++;
            }
            if (write == null) {
                if (end.error() == null || !REJECTIONS.contains(end.error())) {
                    violations.add(new Violation(Rule.UNSENT_ONLY_REJECTED, call.seq(), call.label()
                            + " was never written but ended at " + at(end.nanos()) + " with "
                            + (end.error() == null ? "a result" : end.error())));
                }
            } else {
                flagIfDown(call, write, flagged);
                for (CallRecord.Write w : call.writes()) {
                    if (w.nanos() > end.nanos()) {
                        violations.add(new Violation(Rule.NOT_WRITTEN_AFTER_END, call.seq(), call.label()
                                + " was written to " + w.provider() + " at " + at(w.nanos()) + ", "
                                + millis(w.nanos() - end.nanos()) + " after it ended at " + at(end.nanos())));
                    }
                }
            }
            if (TIMEOUT.equals(end.error()) && timeoutNanos > 0) {
                long total = end.nanos() - call.startNanos();
                if (total < timeoutNanos - 1_000_000L) {
                    violations.add(new Violation(Rule.TIMEOUT_BOUNDS, call.seq(), call.label() + " timed out after "
                            + millis(total) + ", less than the call timeout of " + history.callTimeoutMs() + " ms"));
                }
                if (write != null && end.nanos() - write.nanos() > timeoutNanos + slackNanos) {
                    violations.add(new Violation(Rule.TIMEOUT_BOUNDS, call.seq(), call.label() + " timed out "
                            + millis(end.nanos() - write.nanos()) + " after its write, more than the call timeout of "
                            + history.callTimeoutMs() + " ms plus the slack of " + millis(slackNanos)));
                }
            }
            if (LOST.equals(end.error()) && write != null && !lossExplained(write, end)) {
                ProviderView p = providers.get(write.provider());
                violations.add(new Violation(Rule.CONNECTION_LOST_HAS_CAUSE, call.seq(), call.label()
                        + " lost its connection at " + at(end.nanos()) + " (written at " + at(write.nanos())
                        + "), but the timeline shows " + (p == null ? "provider " + write.provider() : p.name())
                        + " neither crashing, stopping, restarting nor closing within " + millis(slackNanos)
                        + ", and no fault plan able to end connections in force on it then"));
            }
            if (outcome == CallOutcome.INFO) {
                ProviderView p = write == null ? null : providers.get(write.provider());
                if (p == null || p.executed() == null) {
                    unknown++;
                } else if (p.executed().ran(write.localPort(), write.requestId())) {
                    ran++;
                } else if (p.executed().complete()) {
                    notRan++;
                } else {
                    unknown++;
                }
            }
        }
        return new CheckReport(String.valueOf(history.file().getFileName()), history.calls().size(), ok, fail, info,
                ran, notRan, unknown, open, List.copyOf(flagged), List.copyOf(violations));
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
        for (TimelineEvent e : timeline) {
            if (e.monotonicNanos() >= from && e.monotonicNanos() <= to && TimelineAction.closesConnections(e.action())
                    && (e.subject().equals(p.name()) || e.action().equals("cluster-close"))) {
                return true;
            }
        }
        return false;
    }

    /** Flags a call written while the timeline shows its provider frozen or crashed. */
    private void flagIfDown(CallRecord call, CallRecord.Write write, List<String> flagged) {
        ProviderView p = providers.get(write.provider());
        if (p == null) {
            return;
        }
        String down = null;
        long since = 0;
        for (TimelineEvent e : timeline) {
            if (e.monotonicNanos() > write.nanos()) {
                break;
            }
            if (!e.subject().equals(p.name())) {
                continue;
            }
            switch (e.action()) {
                case "provider-freeze" -> {
                    down = "frozen";
                    since = e.monotonicNanos();
                }
                case "provider-crash" -> {
                    down = "crashed";
                    since = e.monotonicNanos();
                }
                case "provider-thaw", "provider-restart", "provider-start" -> down = null;
                default -> {
                    // other events do not change whether it serves
                }
            }
        }
        if (down != null) {
            flagged.add(call.label() + " written at " + at(write.nanos()) + " to " + p.name() + ", " + down
                    + " since " + at(since));
        }
    }

    private String at(long nanos) {
        return String.format("%+.3fs", (nanos - originNanos) / 1e9);
    }

    private static String millis(long nanos) {
        return nanos / 1_000_000L + " ms";
    }

    private String times(List<Long> nanos) {
        return nanos.stream().map(this::at).toList().toString();
    }

    /** Builds a {@link HistoryChecker}. Not thread-safe. */
    public static final class Builder {

        private List<TimelineEvent> timeline = List.of();
        private long originNanos;
        private final Map<String, ProviderView> providers = new HashMap<>();
        private Duration slack = Duration.ofSeconds(2);
        private boolean runOver = true;

        /**
         * The cluster's timeline; {@code originNanos} (the timeline's start) is where the offsets in messages
         * count from.
         */
        public Builder timeline(List<TimelineEvent> events, long originNanos) {
            this.timeline = Objects.requireNonNull(events, "events");
            this.originNanos = originNanos;
            return this;
        }

        /**
         * A provider of the cluster.
         *
         * @param address      its "host:port", as the history names it
         * @param name         its name on the timeline ({@code p0}, ...)
         * @param executed     its executed-call log, or null when there is none (an external process)
         * @param closingFaults when it ran a fault plan able to end connections (reset, close without answer,
         *                      truncated body): only a loss near such a span is explained by its faults
         */
        public Builder provider(String address, String name, ExecutedCallLog executed,
                                List<FaultSpan> closingFaults) {
            providers.put(address, new ProviderView(name, executed, List.copyOf(closingFaults)));
            return this;
        }

        /** How late a timeout may end after its deadline, and how near a cause must be to a lost connection. */
        public Builder slack(Duration value) {
            this.slack = Objects.requireNonNull(value, "slack");
            return this;
        }

        /** Whether calls without an end are violations (true: the run is over); default true. */
        public Builder runOver(boolean value) {
            this.runOver = value;
            return this;
        }

        public HistoryChecker build() {
            return new HistoryChecker(this);
        }
    }
}
