package dev.rpcharness.junit;

import dev.rpcharness.check.CheckReport;
import dev.rpcharness.cluster.ClusterHistory;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.run.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
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
 */
public final class RpcClusterExtension implements BeforeEachCallback, AfterEachCallback, BeforeAllCallback,
        AfterAllCallback, TestWatcher, ParameterResolver {

    private static final Logger log = LoggerFactory.getLogger(RpcClusterExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RpcClusterExtension.class);
    private static final String CLUSTER = "cluster";
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
     * {@link RpcCluster.Builder#seed} does): a failed test's replay record names the seed, and its re-run command
     * gives it back with {@code -Drpc.cluster.seed=N}. Unset, the builder's default seed is used.
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
        RpcCluster cluster = store.remove(CLUSTER, RpcCluster.class);
        ResourceSnapshot before = store.remove(RESOURCES, ResourceSnapshot.class);
        if (cluster == null || before == null) {
            return; // no per-class cluster: each test was checked on its own
        }
        WithRpcCluster config = config(context);
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
        if (ownerContext(context, config(context)) == context && !parallel(context)) {
            // A per-method cluster: the snapshot is taken before it starts, compared after it closed.
            context.getStore(NAMESPACE).put(RESOURCES, ResourceSnapshot.take());
        }
        RpcCluster cluster = cluster(context);
        context.getStore(NAMESPACE).put(LEAK_MARK, NettyLeakMonitor.instance().mark());
        cluster.record("test-start", context.getDisplayName(),
                context.getTestClass().map(Class::getName).orElse(""));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        WithRpcCluster config = config(context);
        RpcCluster cluster = existingCluster(context);
        if (cluster == null) {
            return;
        }
        Optional<Throwable> thrown = context.getExecutionException();
        boolean skipped = thrown.filter(RpcClusterExtension::isAbort).isPresent();
        boolean failed = thrown.isPresent() && !skipped;
        cluster.record("test-end", context.getDisplayName(),
                skipped ? "skipped: " + thrown.get().getMessage() : thrown.map(e -> "failed: " + e).orElse("passed"));
        List<String> problems = new ArrayList<>();
        List<String> leaks = config.checkLeaks() ? leaks(context, cluster, config) : List.of();
        problems.addAll(leaks);
        List<String> historyViolations = historyViolations(context, cluster, config);
        problems.addAll(historyViolations);
        ReplayNote replay = ReplayNote.take(cluster, context.getRequiredTestClass().getName(),
                context.getTestMethod().map(Method::getName).orElse("unknown"));
        ResourceSnapshot before = context.getStore(NAMESPACE).remove(RESOURCES, ResourceSnapshot.class);
        if (ownerContext(context, config) == context) {
            // A per-method cluster ends with its test: close it now, so what it started is gone before the check.
            context.getStore(NAMESPACE).remove(CLUSTER, RpcCluster.class);
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
            String rendered = cluster.timeline().render();
            String what = failed ? "test failed" : check + " failed";
            log.error("{} of {}:\n{}", what, context.getDisplayName(), rendered);
            context.publishReportEntry("rpc-cluster-timeline", rendered);
            context.getConfigurationParameter(TIMELINE_DIR).ifPresent(dir -> writeTimeline(context, cluster, dir));
            writeReplay(context, cluster, replay);
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

    /** Checks the call history of every client of the cluster; one problem per history with violations. */
    private static List<String> historyViolations(ExtensionContext context, RpcCluster cluster,
                                                  WithRpcCluster config) {
        Optional<ClusterHistory> history = cluster.callHistory();
        if (history.isEmpty()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (CheckReport report : history.get().check(cluster, config.checkLeaks(),
                Duration.ofMillis(config.callHistorySlackMs()))) {
            log.debug("call history after {}: {}", context.getDisplayName(), report.summary());
            if (!report.passed()) {
                problems.add("call history " + history.get().dir().resolve(report.source()) + " broke its rules "
                        + "(docs/history.md): " + report.describe());
            }
        }
        return problems;
    }

    /** The folder of a new cluster's call histories: under {@value #HISTORY_DIR}, else target/rpc-history. */
    private static Path historyDir() {
        Path base = Path.of(System.getProperty(HISTORY_DIR, "target/rpc-history"));
        try {
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a call-history folder under " + base.toAbsolutePath(), e);
        }
    }

    /**
     * Writes a failed test's replay record beside what the extension keeps: into {@value #TIMELINE_DIR} when set,
     * else the cluster's call-history folder, else target/rpc-history; logs the command that re-runs the test.
     */
    private static void writeReplay(ExtensionContext context, RpcCluster cluster, ReplayNote replay) {
        Path dir = context.getConfigurationParameter(TIMELINE_DIR).map(Path::of)
                .or(() -> cluster.callHistory().map(ClusterHistory::dir))
                .orElseGet(() -> Path.of(System.getProperty(HISTORY_DIR, "target/rpc-history")));
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

    private static List<String> leaks(ExtensionContext context, RpcCluster cluster, WithRpcCluster config) {
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
        Long mark = context.getStore(NAMESPACE).get(LEAK_MARK, Long.class);
        if (mark != null) {
            problems.addAll(NettyLeakMonitor.instance().leaksSince(mark));
        }
        return problems;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        Class<?> type = parameter.getType();
        if (type == RpcCluster.class || type == ConsumerClient.class || type == FakeProvider.class
                || type == Timeline.class) {
            return true;
        }
        if (type == AsyncObjectProxy.class) {
            return parameterContext.isAnnotated(Async.class);
        }
        return type.isInterface() && services(config(extensionContext)).contains(type);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        RpcCluster cluster = cluster(extensionContext);
        Class<?> type = parameterContext.getParameter().getType();
        if (type == RpcCluster.class) {
            return cluster;
        }
        if (type == Timeline.class) {
            return cluster.timeline();
        }
        if (type == ConsumerClient.class) {
            return cluster.client();
        }
        if (type == FakeProvider.class) {
            int index = parameterContext.findAnnotation(Provider.class).map(Provider::value).orElse(0);
            if (index < 0 || index >= cluster.providers().size()) {
                throw new ParameterResolutionException("@Provider(" + index + ") on parameter "
                        + parameterContext.getParameter() + ", but the cluster has " + cluster.providers().size()
                        + " providers");
            }
            return cluster.provider(index);
        }
        if (type == AsyncObjectProxy.class) {
            Class<?> iface = parameterContext.findAnnotation(Async.class).orElseThrow().value();
            return cluster.client().createAsync(iface);
        }
        return cluster.proxy(type);
    }

    private RpcCluster cluster(ExtensionContext context) {
        WithRpcCluster config = config(context);
        ExtensionContext owner = ownerContext(context, config);
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(CLUSTER, key -> start(config, seed(context)),
                RpcCluster.class);
    }

    private RpcCluster existingCluster(ExtensionContext context) {
        WithRpcCluster config = config(context);
        return ownerContext(context, config).getStore(NAMESPACE).get(CLUSTER, RpcCluster.class);
    }

    /** The context whose store holds the cluster: the class's for a per-class cluster, else the method's. */
    private static ExtensionContext ownerContext(ExtensionContext context, WithRpcCluster config) {
        boolean methodAnnotated = context.getTestMethod()
                .map(m -> AnnotationSupport.isAnnotated(m, WithRpcCluster.class)).orElse(false);
        if (config.scope() == WithRpcCluster.Scope.PER_CLASS && !methodAnnotated) {
            ExtensionContext owner = context;
            while (owner.getTestMethod().isPresent() && owner.getParent().isPresent()) {
                owner = owner.getParent().get();
            }
            return owner;
        }
        return context;
    }

    private static WithRpcCluster config(ExtensionContext context) {
        Optional<WithRpcCluster> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, WithRpcCluster.class));
        if (onMethod.isPresent()) {
            return onMethod.get();
        }
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Optional<WithRpcCluster> onClass = c.get().getTestClass()
                    .flatMap(k -> AnnotationSupport.findAnnotation(k, WithRpcCluster.class));
            if (onClass.isPresent()) {
                return onClass.get();
            }
        }
        throw new ExtensionConfigurationException("RpcClusterExtension needs @WithRpcCluster on "
                + context.getDisplayName() + " or its class");
    }

    private static List<Class<?>> services(WithRpcCluster config) {
        return config.services().length == 0 ? List.of(EchoService.class) : Arrays.asList(config.services());
    }

    /** The seed fixed by {@value #CLUSTER_SEED} (configuration parameter, else system property), if any. */
    private static Optional<Long> seed(ExtensionContext context) {
        Optional<String> value = context.getConfigurationParameter(CLUSTER_SEED)
                .or(() -> Optional.ofNullable(System.getProperty(CLUSTER_SEED)));
        try {
            return value.map(String::trim).map(Long::parseLong);
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException(CLUSTER_SEED + " must be a long (the seed of a replay"
                    + " record), was '" + value.get() + "'", e);
        }
    }

    private static RpcCluster start(WithRpcCluster config, Optional<Long> seed) {
        boolean callOnly = config.providers() == 0 && config.implementations().length == 0;
        if (config.services().length != config.implementations().length && !callOnly) {
            throw new ExtensionConfigurationException("@WithRpcCluster lists " + config.services().length
                    + " services but " + config.implementations().length + " implementations; pair them by position"
                    + " (or use providers = 0 and no implementations to call providers the test starts itself)");
        }
        ConsumerOptions options = ConsumerOptions.builder()
                .callTimeout(Duration.ofMillis(config.callTimeoutMs()))
                .providerWaitTimeout(Duration.ofMillis(config.providerWaitTimeoutMs()))
                .connectionsPerProvider(config.connectionsPerProvider())
                .build();
        RpcCluster.Builder builder = RpcCluster.builder()
                .providers(config.providers())
                .zooKeeperEnsemble(config.zooKeeperEnsemble())
                .basePath(config.basePath())
                .clientOptions(options);
        seed.ifPresent(builder::seed);
        if (config.checkCallHistory()) {
            builder.callHistory(historyDir());
        }
        if (config.providerSessionTimeoutMs() > 0) {
            builder.providerSessionTimeout(Duration.ofMillis(config.providerSessionTimeoutMs()));
        }
        for (int i = 0; i < config.implementations().length; i++) {
            addService(builder, config.services()[i], config.implementations()[i]);
        }
        return builder.build();
    }

    private static <T> void addService(RpcCluster.Builder builder, Class<T> iface, Class<?> implementation) {
        if (!iface.isAssignableFrom(implementation)) {
            throw new ExtensionConfigurationException(implementation.getName() + " does not implement "
                    + iface.getName());
        }
        Constructor<?> constructor;
        try {
            constructor = implementation.getDeclaredConstructor();
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new ExtensionConfigurationException(implementation.getName()
                    + " needs a no-argument constructor to serve " + iface.getName(), e);
        }
        Supplier<T> supplier = () -> {
            try {
                return iface.cast(constructor.newInstance());
            } catch (ReflectiveOperationException e) {
                throw new ExtensionConfigurationException("cannot construct " + implementation.getName(), e);
            }
        };
        builder.serve(iface, supplier);
    }
}
