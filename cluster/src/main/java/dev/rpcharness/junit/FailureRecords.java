package dev.rpcharness.junit;

import dev.rpcharness.cluster.ClusterHistory;
import dev.rpcharness.cluster.RpcCluster;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed {@link WithRpcCluster} test leaves behind: the cluster's timeline logged at ERROR and published as
 * a report entry, written as JSON lines into {@value RpcClusterExtension#TIMELINE_DIR} when set, and the replay
 * record with the command that re-runs the test. Failing to write a file is logged, never thrown.
 *
 * <p>Stateless; called on the test's thread.
 */
final class FailureRecords {

    private static final Logger log = LoggerFactory.getLogger(FailureRecords.class);

    private FailureRecords() {
    }

    /** Logs and publishes the timeline, writes it and the replay record; {@code what} says what failed. */
    static void keep(ExtensionContext context, RpcCluster cluster, ReplayNote replay, String what) {
        String rendered = cluster.timeline().render();
        log.error("{} of {}:\n{}", what, context.getDisplayName(), rendered);
        context.publishReportEntry("rpc-cluster-timeline", rendered);
        context.getConfigurationParameter(RpcClusterExtension.TIMELINE_DIR)
                .ifPresent(dir -> writeTimeline(context, cluster, dir));
        writeReplay(context, cluster, replay);
    }

    /**
     * Writes a failed test's replay record beside what the extension keeps: into the timeline folder when set,
     * else the cluster's call-history folder, else the history base folder; logs the command that re-runs it.
     */
    private static void writeReplay(ExtensionContext context, RpcCluster cluster, ReplayNote replay) {
        Path dir = context.getConfigurationParameter(RpcClusterExtension.TIMELINE_DIR).map(Path::of)
                .or(() -> cluster.callHistory().map(ClusterHistory::dir))
                .orElseGet(ClusterStore::historyBase);
        try {
            Path file = replay.writeInto(dir);
            log.error("replay record of {} written to {}; re-run it with: {}", context.getDisplayName(),
                    file.toAbsolutePath(), replay.command());
        } catch (IOException | RuntimeException e) {
            log.warn("cannot write the replay record into {}; re-run with: {}", dir, replay.command(), e);
        }
    }

    private static void writeTimeline(ExtensionContext context, RpcCluster cluster, String dir) {
        String name = (context.getTestClass().map(Class::getName).orElse("test") + "."
                + context.getTestMethod().map(Method::getName).orElse("unknown"))
                .replaceAll("[^A-Za-z0-9._-]", "_") + ".timeline.jsonl";
        Path file = Path.of(dir).resolve(name);
        try {
            cluster.timeline().writeJsonLines(file);
            log.info("timeline written to {}", file.toAbsolutePath());
        } catch (RuntimeException e) {
            log.warn("cannot write the timeline to {}", file, e);
        }
    }
}
