package dev.rpcharness.cluster;

import dev.rpcharness.check.CheckReport;
import dev.rpcharness.check.FaultSpan;
import dev.rpcharness.check.HistoryChecker;
import dev.rpcharness.consumer.CallHistory;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.history.HistoryRecorder;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.run.TimelineAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call histories of one cluster's clients: each client the cluster makes gets a {@link HistoryRecorder} writing
 * {@code client-<n>.history.jsonl} in one folder, and {@link #check} runs the {@link HistoryChecker} over every one
 * of them with the cluster's timeline and its providers' executed-call logs.
 *
 * <p>Threading: thread-safe. Lifecycle: owned by the {@link RpcCluster}, which closes it after its clients (so their
 * last ends are written); {@link #check} may run before or after that.
 */
public final class ClusterHistory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterHistory.class);

    private final Path dir;
    private final String prefix;
    private final List<HistoryRecorder> recorders = new CopyOnWriteArrayList<>();

    /** Histories written into {@code dir} (made when the first client starts). */
    public ClusterHistory(Path dir) {
        this(dir, "client-");
    }

    /**
     * Histories written into {@code dir}, named {@code <prefix><n>.history.jsonl} (such as
     * {@code injector-1-client-0} for another injector JVM's client).
     */
    public ClusterHistory(Path dir, String prefix) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    public Path dir() {
        return dir;
    }

    /**
     * {@code options} with a new recorder of this cluster as their call history; options that already have a
     * history of their own are returned as they are.
     */
    public synchronized ConsumerOptions attach(ConsumerOptions options) {
        if (options.callHistory() != CallHistory.NONE) {
            return options;
        }
        Path file = dir.resolve(prefix + recorders.size() + ".history.jsonl");
        HistoryRecorder recorder = new HistoryRecorder(file, options.callTimeout().toMillis(), "client "
                + recorders.size() + " with " + options);
        recorders.add(recorder);
        return options.toBuilder().callHistory(recorder).build();
    }

    /** The history files, one per client, in the order the clients were made. */
    public List<Path> files() {
        return recorders.stream().map(HistoryRecorder::file).toList();
    }

    /**
     * Checks every client's history (after writing out what is queued) against the cluster's timeline and
     * providers.
     *
     * @param runOver whether calls still open are violations
     * @param slack   how late a timeout may end, and how near a lost connection's cause must be
     */
    public List<CheckReport> check(RpcCluster cluster, boolean runOver, Duration slack) {
        return check(cluster, runOver, slack, List.of());
    }

    /**
     * Checks every client's history and then each of {@code others} (histories recorded by clients this cluster
     * did not make, such as other injector JVMs' clients of its providers, complete and closed) against the
     * cluster's timeline and providers; one report per file, this cluster's clients first.
     */
    public List<CheckReport> check(RpcCluster cluster, boolean runOver, Duration slack, List<Path> others) {
        HistoryChecker.Builder b = HistoryChecker.builder()
                .timeline(cluster.timeline().events(), cluster.timeline().originNanos())
                .runOver(runOver)
                .slack(slack);
        List<FakeProvider> providers = cluster.providers();
        for (int i = 0; i < providers.size(); i++) {
            FakeProvider p = providers.get(i);
            b.provider(p.advertisedAddress(), TimelineAction.providerName(i), p.executedCalls().snapshot(),
                    p.faultPlanHistory().closingSpans().stream()
                            .map(s -> new FaultSpan(s.fromNanos(), s.toNanos())).toList());
        }
        HistoryChecker checker = b.build();
        List<CheckReport> reports = new ArrayList<>();
        for (HistoryRecorder r : recorders) {
            if (!r.flush(10, TimeUnit.SECONDS)) {
                log.warn("call history {} is not fully written after 10 s; checking what is there", r.file());
            }
            reports.add(checker.check(r.file()));
        }
        for (Path other : others) {
            reports.add(checker.check(other));
        }
        return reports;
    }

    /** Closes every recorder (writes what is queued, stops their threads). */
    @Override
    public void close() {
        RuntimeException first = null;
        for (HistoryRecorder r : recorders) {
            try {
                r.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "ClusterHistory[" + dir + ", " + recorders.size() + " clients]";
    }
}
