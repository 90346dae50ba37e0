package dev.rpcharness.check;

import dev.rpcharness.run.CallStream;
import dev.rpcharness.run.ExecutedCallLog;
import dev.rpcharness.run.HistoryReader;
import dev.rpcharness.run.TimelineEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a call history against the rules of docs/history.md, the cluster's timeline and the providers'
 * executed-call logs, and counts ok / fail / info. Build one per check ({@link #builder()}); immutable and
 * thread-safe once built. All times are {@link System#nanoTime()} readings of one JVM: the history, the timeline
 * and the providers must have lived in the same process (as in {@code @WithRpcCluster} tests and the scenarios).
 *
 * <p>Memory: {@link #check(Path)} reads the history once, in order ({@link CallStream}, behind the retry budget's
 * replay), holding only the calls still open or within the slack of their end (and a few counters per call with
 * attempts until they all ended), and keeps the first {@link Builder#sampleLimit} violations and
 * flagged calls with exact counts; the timeline is indexed once at build time, keeping only the events the rules
 * ask about. So a history of any length is checked in the same memory.
 */
public final class HistoryChecker {

    /** Violations and flagged calls a report lists by default (all are counted). */
    public static final int DEFAULT_SAMPLE_LIMIT = 1000;

    private final TimelineIndex timeline;
    private final long originNanos;
    private final Map<String, CallRules.ProviderView> providers;
    private final Duration slack;
    private final boolean runOver;
    private final int sampleLimit;

    private HistoryChecker(Builder b) {
        this.timeline = new TimelineIndex(b.timeline);
        this.originNanos = b.originNanos;
        this.providers = Map.copyOf(b.providers);
        this.slack = b.slack;
        this.runOver = b.runOver;
        this.sampleLimit = b.sampleLimit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks one history file. A call is held from its first event until the slack after its end; an event of it
     * after that (a second end, a write) is still a violation, named by the call's number.
     *
     * @throws IllegalArgumentException naming the file and line when a line is not a history event
     */
    public CheckReport check(Path history) {
        ReportTally tally = new ReportTally(sampleLimit);
        CallRules rules = new CallRules(timeline, providers, originNanos, slack.toNanos(), runOver, tally);
        CallStream stream = new CallStream(rules, slack, CallStream.MAX_LINGERING);
        HistoryReader.read(history, new BudgetReplay(stream, new TimeLabels(originNanos), tally));
        stream.finish();
        long calls = stream.calls();
        if (rules.lost() > 0) {
            tally.violation(new Violation(Rule.COMPLETE, 0, history + ": the recorder lost " + rules.lost()
                    + " events (its queue stayed full); the history cannot be checked call by call"));
        }
        return tally.report(String.valueOf(history.getFileName()), calls);
    }

    /** Builds a {@link HistoryChecker}. Not thread-safe. */
    public static final class Builder {

        private List<TimelineEvent> timeline = List.of();
        private long originNanos;
        private final Map<String, CallRules.ProviderView> providers = new HashMap<>();
        private Duration slack = Duration.ofSeconds(2);
        private boolean runOver = true;
        private int sampleLimit = DEFAULT_SAMPLE_LIMIT;

        /**
         * The cluster's timeline, in time order (as {@code Timeline.events()} gives it); {@code originNanos} (the
         * timeline's start) is where the offsets in messages count from.
         */
        public Builder timeline(List<TimelineEvent> events, long originNanos) {
            this.timeline = Objects.requireNonNull(events, "events");
            this.originNanos = originNanos;
            return this;
        }

        /**
         * A provider of the cluster.
         *
         * @param address       its "host:port", as the history names it
         * @param name          its name on the timeline ({@code p0}, ...)
         * @param executed      its executed-call log, or null when there is none (an external process)
         * @param closingFaults when it ran a fault plan able to end connections (reset, close without answer,
         *                      truncated body): only a loss near such a span is explained by its faults
         */
        public Builder provider(String address, String name, ExecutedCallLog executed,
                                List<FaultSpan> closingFaults) {
            providers.put(address, new CallRules.ProviderView(name, executed, List.copyOf(closingFaults)));
            return this;
        }

        /**
         * How late a timeout may end after its deadline, how near a cause must be to a lost connection, and how
         * long after its end a call still takes events.
         */
        public Builder slack(Duration value) {
            Objects.requireNonNull(value, "slack");
            if (value.isNegative()) {
                throw new IllegalArgumentException("history slack must not be negative, was " + value);
            }
            this.slack = value;
            return this;
        }

        /** Whether calls without an end are violations (true: the run is over); default true. */
        public Builder runOver(boolean value) {
            this.runOver = value;
            return this;
        }

        /** How many violations and flagged calls a report lists (all are counted); default 1000. */
        public Builder sampleLimit(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("history sample limit must not be negative, was " + value);
            }
            this.sampleLimit = value;
            return this;
        }

        public HistoryChecker build() {
            return new HistoryChecker(this);
        }
    }
}
