package dev.rpcharness.junit;

import dev.rpcharness.check.CheckReport;
import dev.rpcharness.cluster.ClusterHistory;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.ConsumerClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks after a {@link WithRpcCluster} test, before its cluster closes: no call still pending on any of the
 * cluster's clients (within the grace period), no buffer Netty reported leaked since the test's mark, and every
 * call of the clients' histories within the rules (docs/history.md). Each returns one line per problem, naming it.
 *
 * <p>Stateless; called on the test's thread.
 */
final class AfterTestChecks {

    private static final Logger log = LoggerFactory.getLogger(AfterTestChecks.class);

    private AfterTestChecks() {
    }

    /**
     * Pending calls of each client (waiting up to {@code leakGraceMs}) and Netty leaks since {@code leakMark}.
     *
     * @param leakMark the {@link NettyLeakMonitor} mark taken before the test, or null when none was taken
     */
    static List<String> leaks(RpcCluster cluster, WithRpcCluster config, Long leakMark) {
        List<String> problems = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.leakGraceMs());
        List<ConsumerClient> clients = cluster.clients();
        for (int i = 0; i < clients.size(); i++) {
            ConsumerClient client = clients.get(i);
            int pending = client.pendingCalls();
            while (pending > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                pending = client.pendingCalls();
            }
            if (pending > 0) {
                problems.add("client " + i + " of the cluster still has " + pending + " pending call(s) "
                        + config.leakGraceMs() + " ms after the test ended (a call nobody waited for, or a"
                        + " future that never completes)");
            }
        }
        if (leakMark != null) {
            problems.addAll(NettyLeakMonitor.instance().leaksSince(leakMark));
        }
        return problems;
    }

    /** Checks the call history of every client of the cluster; one problem per history with violations. */
    static List<String> historyViolations(String testName, RpcCluster cluster, WithRpcCluster config) {
        Optional<ClusterHistory> history = cluster.callHistory();
        if (history.isEmpty()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (CheckReport report : history.get().check(cluster, config.checkLeaks(),
                Duration.ofMillis(config.callHistorySlackMs()))) {
            log.debug("call history after {}: {}", testName, report.summary());
            if (!report.passed()) {
                problems.add("call history " + history.get().dir().resolve(report.source()) + " broke its rules "
                        + "(docs/history.md): " + report.describe());
            }
        }
        return problems;
    }
}
