package dev.rpcharness.junit;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.run.TimelineAction;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JUnit 5 extension behind {@link WithRpcCluster}. Stateless itself: every cluster lives in the
 * {@link ExtensionContext.Store} of the test method (per-method scope) or of the test class (per-class scope), so
 * JUnit closes it when that context ends, even when the test or a callback failed. Safe under parallel execution:
 * each cluster uses its own random ports and nothing is shared between tests, except Netty's JVM-wide leak
 * detector (see {@link NettyLeakMonitor}).
 *
 * <p>Order per test: {@code beforeEach} notes the live threads and open file descriptors, starts (or reuses) the
 * cluster and takes a Netty leak mark; parameters are resolved from it; {@code afterEach} checks for pending calls
 * and leaked buffers, closes a per-method cluster, then checks that the threads and descriptors started during
 * the test have ended (within the grace period), failing the test with a message that names each leak, and logs
 * the timeline at ERROR only if the test failed or a check did. A skipped test (an assumption that did not hold,
 * an aborted test) is not a failure: its end is recorded as "skipped" and logged at INFO. A per-class cluster is
 * checked for threads and descriptors once, after the class, when it closes. Under parallel execution threads and
 * descriptors are not checked (they cannot be told apart between tests).
 * <p>After the leak checks (before a per-method cluster closes) the call history of the cluster's clients is
 * checked (docs/history.md: every call against the rules), failing the test with the calls named.
 *
 * <p>Its parts: {@link ClusterStore} (which annotation, which context owns the cluster, starting it from
 * {@link WithRpcClusterSpec}), {@link ClusterParameters} (the test's parameters), {@link AfterTestChecks} (pending
 * calls, leaked buffers, call history), {@link ResourceSnapshot} (threads and descriptors) and
 * {@link FailureRecords} (timeline and replay record of a failed test).
 */
public final class RpcClusterExtension implements BeforeEachCallback, AfterEachCallback, BeforeAllCallback,
        AfterAllCallback, TestWatcher, ParameterResolver {

    private static final Logger log = LoggerFactory.getLogger(RpcClusterExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ClusterStore.NAMESPACE;
    private static final String LEAK_MARK = "leak-mark";
    private static final String RESOURCES = "resources-before";
    /**
     * Configuration parameter (or system property) naming a folder: the timeline of each failed test is also
     * written there as JSON lines, for CI artifacts and the resilience report.
     */
    public static final String TIMELINE_DIR = "rpcharness.timeline.dir";
    /** System property naming the folder under which each cluster's call histories are written. */
    public static final String HISTORY_DIR = "rpcharness.history.dir";
    /**
     * Configuration parameter (or system property) fixing the seed of every cluster the extension starts (as
     * {@link dev.rpcharness.cluster.ClusterSettings#seed} does): a failed test's replay record names the seed, and
     * its re-run command gives it back with {@code -Drpc.cluster.seed=N}. Unset, the spec's default seed is used.
     */
    public static final String CLUSTER_SEED = "rpc.cluster.seed";

    @Override
    public void beforeAll(ExtensionContext context) {
        // Threads and descriptors before a per-class cluster starts, compared after the class (see afterAll).
        if (!parallel(context)) {
            context.getStore(NAMESPACE).put(RESOURCES, ResourceSnapshot.take());
        }
    }

    /**
     * Whether tests may run in parallel: then a thread or descriptor cannot be told to belong to one test, and
     * only pending calls and buffers are checked.
     */
    private static boolean parallel(ExtensionContext context) {
        return context.getConfigurationParameter("junit.jupiter.execution.parallel.enabled")
                .map(Boolean::parseBoolean).orElse(false);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        RpcCluster cluster = ClusterStore.remove(context);
        ResourceSnapshot before = store.remove(RESOURCES, ResourceSnapshot.class);
        if (cluster == null || before == null) {
            return; // no per-class cluster: each test was checked on its own
        }
        WithRpcCluster config = ClusterStore.config(context);
        cluster.close();
        List<String> problems = config.checkLeaks()
                ? ResourceSnapshot.leakedSince(before, config.leakGraceMs(), List.of(config.ignoredThreads()))
                : List.of();
        if (!problems.isEmpty()) {
            log.error("leak check failed after the class {}:\n{}", context.getDisplayName(),
                    cluster.timeline().render());
            throw new AssertionFailedError("leak check failed after " + context.getDisplayName() + " closed its"
                    + " cluster:\n - " + String.join("\n - ", problems));
        }
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        log.debug("{} disabled: {}", context.getDisplayName(), reason.orElse("no reason given"));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (ClusterStore.owner(context) == context && !parallel(context)) {
            // A per-method cluster: the snapshot is taken before it starts, compared after it closed.
            context.getStore(NAMESPACE).put(RESOURCES, ResourceSnapshot.take());
        }
        RpcCluster cluster = ClusterStore.cluster(context);
        context.getStore(NAMESPACE).put(LEAK_MARK, NettyLeakMonitor.instance().mark());
        cluster.record(TimelineAction.TEST_START, context.getDisplayName(),
                context.getTestClass().map(Class::getName).orElse(""));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        WithRpcCluster config = ClusterStore.config(context);
        RpcCluster cluster = ClusterStore.existing(context);
        if (cluster == null) {
            return;
        }
        Optional<Throwable> thrown = context.getExecutionException();
        boolean skipped = thrown.filter(RpcClusterExtension::isAbort).isPresent();
        boolean failed = thrown.isPresent() && !skipped;
        cluster.record(TimelineAction.TEST_END, context.getDisplayName(),
                skipped ? "skipped: " + thrown.get().getMessage() : thrown.map(e -> "failed: " + e).orElse("passed"));
        List<String> problems = new ArrayList<>();
        List<String> leaks = config.checkLeaks() ? AfterTestChecks.leaks(cluster, config,
                context.getStore(NAMESPACE).get(LEAK_MARK, Long.class)) : List.of();
        problems.addAll(leaks);
        List<String> historyViolations = AfterTestChecks.historyViolations(context.getDisplayName(), cluster, config);
        problems.addAll(historyViolations);
        ReplayNote replay = ReplayNote.take(cluster, context.getRequiredTestClass().getName(),
                context.getTestMethod().map(Method::getName).orElse("unknown"));
        ResourceSnapshot before = context.getStore(NAMESPACE).remove(RESOURCES, ResourceSnapshot.class);
        if (ClusterStore.owner(context) == context) {
            // A per-method cluster ends with its test: close it now, so what it started is gone before the check.
            ClusterStore.remove(context);
            cluster.close();
            if (config.checkLeaks() && before != null) {
                List<String> resources = ResourceSnapshot.leakedSince(before, config.leakGraceMs(),
                        List.of(config.ignoredThreads()));
                leaks = new ArrayList<>(leaks);
                leaks.addAll(resources);
                problems.addAll(resources);
            }
        }
        String check = historyViolations.isEmpty() ? "leak check" : leaks.isEmpty() ? "call-history check"
                : "leak check and call-history check";
        if (failed || !problems.isEmpty()) {
            FailureRecords.keep(context, cluster, replay, failed ? "test failed" : check + " failed");
        } else if (skipped) {
            log.info("{} skipped: {}", context.getDisplayName(), thrown.get().getMessage());
        }
        if (!problems.isEmpty()) {
            throw new AssertionFailedError(check + " failed after " + context.getDisplayName() + ":\n - "
                    + String.join("\n - ", problems));
        }
    }

    /** An assumption that did not hold or a test aborted on purpose: skipped, not failed. */
    private static boolean isAbort(Throwable t) {
        return t instanceof TestAbortedException
                || t.getClass().getName().equals("org.junit.AssumptionViolatedException");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return ClusterParameters.supports(parameterContext, ClusterStore.config(extensionContext));
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return ClusterParameters.resolve(parameterContext, ClusterStore.cluster(extensionContext));
    }
}
