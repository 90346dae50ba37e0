package dev.rpcharness.loadtest.run;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.cluster.RunHistoryCheck;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.loadtest.gatling.RpcTarget;
import dev.rpcharness.loadtest.record.LatencyRecorder;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.RunFolder;
import dev.rpcharness.run.TimelineAction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system a simulation loads: by default an embedded {@link RpcCluster} (ZooKeeper and fake providers in this
 * JVM) and one consumer client discovering them; or, by system properties, a real ZooKeeper ensemble and providers
 * running elsewhere, so the same simulation load-tests a real fleet.
 *
 * <p>System properties (read by {@link Builder#build()}):
 * <ul>
 *   <li>{@code rpc.zookeeper=host:port[,...]}: use this ZooKeeper instead of an embedded one;</li>
 *   <li>{@code rpc.fleet=external}: start no providers, call the ones registered there (chaos steps then fail);</li>
 *   <li>{@code rpc.basePath}: registry base path ({@code /rpc});</li>
 *   <li>{@code rpc.warmUpCalls}: number of warm-up calls (see {@link Builder#warmUp});</li>
 *   <li>{@code rpc.history}: {@code false} records no call history (on by default; docs/history.md);
 *       {@code rpc.history.slackMs}: the checker's slack (2000);</li>
 *   <li>{@code rpc.replay}: a run's {@code rpc-replay.properties}: take its seed and hold each chaos step until
 *       its recorded offset from the start of the load (docs/history.md, "Replay");</li>
 *   <li>{@code rpc.resultsDir}: where run files go (default {@code gatling.resultsFolder}, else
 *       {@code target/gatling}, where Gatling writes its reports).</li>
 * </ul>
 *
 * <p>Lifecycle: {@link #start()} in the simulation's {@code before()}, {@link #close()} in its {@code after()}.
 * Close writes, next to Gatling's report of the run: the HdrHistogram interval log ({@code rpc-latency.hlog}), the
 * cluster timeline ({@code rpc-timeline.jsonl}) and a summary ({@code rpc-summary.txt}, {@code rpc-summary.json}),
 * then closes the client, the cluster and the chaos thread. Threading: {@link RpcTarget} methods are thread-safe;
 * start and close are called once each, by one thread.
 */
public final class LoadTarget implements RpcTarget, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadTarget.class);
    private static final int WARM_UP_IN_FLIGHT = 64;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);

    private final Builder config;
    private final String runId;
    private final Path resultsDir;
    private final ReplayRecord replay;
    private final Map<Class<?>, AsyncObjectProxy> proxies = new ConcurrentHashMap<>();
    private volatile RpcCluster cluster;
    private volatile ConsumerClient client;
    private volatile LatencyRecorder recorder;
    private volatile ExecutorService chaos;
    private volatile long startMillis;
    private Path runDir;
    private volatile boolean closed;

    private LoadTarget(Builder config) {
        this.config = config;
        this.runId = config.name + "-" + LocalDateTime.now().format(STAMP);
        this.resultsDir = config.resultsDir;
        this.replay = ReplayRecord.from(config.properties);
    }

    /** A target named after {@code simulation} (Gatling's run folders start with its lower-case simple name). */
    public static Builder builder(Class<?> simulation) {
        return new Builder(simulation.getSimpleName().toLowerCase(Locale.ROOT), System.getProperties());
    }

    /** A target with the given name, reading settings from {@code properties} instead of the system's. */
    public static Builder builder(String name, Properties properties) {
        return new Builder(name, properties);
    }

    /**
     * Starts the cluster (or connects to the external fleet), the client and the latency recorder.
     *
     * @throws IllegalStateException when started twice
     */
    public synchronized LoadTarget start() {
        if (client != null || closed) {
            throw new IllegalStateException(this + " was already started");
        }
        startMillis = System.currentTimeMillis();
        runDir = resultsDir.resolve("rpc-" + runId);
        chaos = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "chaos-" + config.name);
            t.setDaemon(true);
            return t;
        }) {
            // The replay record notes when each chaos step ran; a replay holds it until its recorded offset.
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                replay.beforeStep(cluster);
            }

            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                replay.afterStep(cluster);
            }
        };
        recorder = new LatencyRecorder(runDir.resolve(RunFolder.LATENCY_LOG), Duration.ofSeconds(1));
        try {
            if (config.externalFleet) {
                log.info("load target {}: external fleet in ZooKeeper {}{}", config.name, config.zooKeeper,
                        config.basePath);
                client = new ConsumerClient(new ServiceDiscovery(config.zooKeeper, config.basePath,
                        Duration.ofSeconds(10)), config.clientOptions);
            } else {
                RpcCluster.Builder b = RpcCluster.builder().providers(config.providers).basePath(config.basePath)
                        .clientOptions(config.clientOptions).seed(replay.seed(config.seed));
                if (config.zooKeeper != null) {
                    b.externalZooKeeper(config.zooKeeper);
                }
                config.services.forEach((iface, impl) -> serve(b, iface, impl));
                config.faultPlans.forEach(b::faultPlan);
                if (config.callHistory) {
                    b.callHistory(historyDir());
                }
                cluster = b.build();
                client = cluster.newClient(config.clientOptions);
                log.info("load target {}: {} providers, ZooKeeper {}", config.name, config.providers,
                        cluster.connectString());
            }
            if (config.warmUpCalls > 0) {
                warmUp();
            }
            replay.loadStarted();
        } catch (RuntimeException e) {
            try {
                recorder.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            closeQuietly();
            throw e;
        }
        return this;
    }

    /**
     * Sends the warm-up calls (at most {@value #WARM_UP_IN_FLIGHT} in flight, 60 s at most in all) so the load
     * does not measure class loading and JIT compilation of the first calls. They are not recorded.
     */
    private void warmUp() {
        AsyncObjectProxy warmProxy = proxy(config.warmUpService);
        Semaphore inFlight = new Semaphore(WARM_UP_IN_FLIGHT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long failed = 0;
        AtomicLong failures = new AtomicLong();
        int sent = 0;
        try {
            for (; sent < config.warmUpCalls; sent++) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    break;
                }
                warmProxy.call(config.warmUpMethod, config.warmUpArgs).addCallback(new AsyncRpcCallback() {
                    @Override
                    public void success(Object result) {
                        inFlight.release();
                    }

                    @Override
                    public void fail(Exception e) {
                        failures.incrementAndGet();
                        inFlight.release();
                    }
                });
            }
            long left = Math.max(0, deadline - System.nanoTime());
            if (!inFlight.tryAcquire(WARM_UP_IN_FLIGHT, left, TimeUnit.NANOSECONDS)) {
                log.warn("warm-up of {}: calls still in flight after 60 s", config.name);
            } else {
                inFlight.release(WARM_UP_IN_FLIGHT);
            }
            failed = failures.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while warming up " + config.name, e);
        }
        log.info("warm-up of {}: {} calls of {}#{}, {} failed", config.name, sent,
                config.warmUpService.getSimpleName(), config.warmUpMethod, failed);
        if (cluster != null) {
            cluster.record(TimelineAction.WARM_UP.label(), config.name, sent + " calls, " + failed + " failed");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void serve(RpcCluster.Builder b, Class<?> iface, Supplier<?> impl) {
        b.serve((Class) iface, (Supplier) impl);
    }

    @Override
    public AsyncObjectProxy proxy(Class<?> service) {
        ConsumerClient c = client;
        if (c == null || closed) {
            throw new IllegalStateException(this + (closed ? " is closed"
                    : " is not started: call start() in the simulation's before()"));
        }
        return proxies.computeIfAbsent(service, c::createAsync);
    }

    @Override
    public LatencyRecorder recorder() {
        LatencyRecorder r = recorder;
        if (r == null) {
            throw new IllegalStateException(this + " is not started: call start() in the simulation's before()");
        }
        return r;
    }

    @Override
    public RpcCluster cluster() {
        RpcCluster c = cluster;
        if (c == null) {
            throw new IllegalStateException(config.externalFleet
                    ? "chaos steps need an embedded cluster; " + this + " drives an external fleet"
                    : this + " is not started: call start() in the simulation's before()");
        }
        return c;
    }

    @Override
    public ExecutorService chaosExecutor() {
        ExecutorService e = chaos;
        if (e == null) {
            throw new IllegalStateException(this + " is not started");
        }
        return e;
    }

    /** The consumer client under load. */
    public ConsumerClient client() {
        ConsumerClient c = client;
        if (c == null) {
            throw new IllegalStateException(this + " is not started");
        }
        return c;
    }

    /** The folder this target writes its files to (until close moves them next to Gatling's report). */
    public synchronized Path runDir() {
        return runDir;
    }

    /**
     * Writes the run files next to Gatling's report and closes everything this target started. Idempotent;
     * keeps going after a failure.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ExecutorService c = chaos;
        if (c != null) {
            c.shutdownNow();
            awaitQuietly(c);
        }
        LatencyRecorder r = recorder;
        if (r != null) {
            try {
                r.close();
            } catch (RuntimeException e) {
                log.error("the latency log of {} is incomplete", this, e);
            }
            try {
                writeRunFiles(r);
            } catch (RuntimeException e) {
                log.warn("cannot write the run files of {}", this, e);
            }
        }
        closeQuietly();
        checkCallHistory();
        if (runDir != null) {
            try {
                Files.createDirectories(runDir);
                replay.write(runDir.resolve(ReplayRecord.FILE), config.name, replay.seed(config.seed),
                        config.faultPlans, config.clientOptions, config.properties);
            } catch (IOException | RuntimeException e) {
                log.warn("cannot write the replay record of {}", this, e);
            }
        }
    }

    /** Where the clients' histories are written while the run lasts (moved into the run folder on close). */
    private Path historyDir() {
        return resultsDir.resolve(".rpc-history-" + runId);
    }

    /**
     * After the cluster closed: checks every call of the run (docs/history.md) and writes the histories and the
     * check into the run folder; a broken rule is logged here and fails the build in the scenarios' verify phase.
     */
    private void checkCallHistory() {
        RpcCluster cu = cluster;
        if (cu == null || cu.callHistory().isEmpty()) {
            return;
        }
        try {
            RunHistoryCheck.checkAndWrite(cu, runDir, Duration.ofMillis(config.historySlackMillis));
            try (Stream<Path> files = Files.list(historyDir())) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(historyDir());
        } catch (IOException | RuntimeException e) {
            log.error("cannot check the call history of {}", this, e);
        }
    }

    private void closeQuietly() {
        ConsumerClient cl = client;
        if (cl != null && cluster == null) {
            try {
                cl.close();
            } catch (RuntimeException e) {
                log.warn("closing the client of {} failed", this, e);
            }
        }
        RpcCluster cu = cluster;
        if (cu != null) {
            try {
                cu.close();
            } catch (RuntimeException e) {
                log.warn("closing the cluster of {} failed", this, e);
            }
        }
        ExecutorService c = chaos;
        if (c != null) {
            c.shutdownNow();
        }
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("a chaos step still runs after 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeRunFiles(LatencyRecorder r) {
        Path dir = gatlingRunDir().orElse(runDir);
        try {
            Files.createDirectories(dir);
            RunFolder folder = new RunFolder(dir);
            Path hlog = folder.file(RunFolder.LATENCY_LOG);
            if (!dir.equals(runDir)) {
                Files.move(r.logFile(), hlog, StandardCopyOption.REPLACE_EXISTING);
                deleteIfEmpty(runDir);
                runDir = dir;
            }
            if (cluster != null) {
                folder.writeTimeline(cluster.timeline());
            }
            RunSummary summary = RunSummary.of(config.name, r);
            summary.writeTo(folder);
            log.info("RPC latency of {} (HdrHistogram log {}):\n{}", config.name, hlog, summary.render());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run files to " + dir, e);
        }
    }

    /** Gatling's folder for this run: the newest {@code <name>-<timestamp>} folder made since start. */
    private java.util.Optional<Path> gatlingRunDir() {
        if (!Files.isDirectory(resultsDir)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(resultsDir)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> d.getFileName().toString().startsWith(config.name + "-"))
                    .filter(d -> lastModified(d) >= startMillis - 5_000)
                    .max((a, b) -> Long.compare(lastModified(a), lastModified(b)));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0L;
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            // left behind: harmless
        }
    }

    @Override
    public String toString() {
        return "LoadTarget[" + config.name + (config.externalFleet ? ", external fleet " + config.zooKeeper : "")
                + "]";
    }

    /** Settings of a {@link LoadTarget}; system properties override what the simulation sets. Not thread-safe. */
    public static final class Builder {

        private final String name;
        private final Properties properties;
        private int providers = 3;
        private final Map<Class<?>, Supplier<?>> services = new LinkedHashMap<>();
        private final Map<Integer, FaultPlan> faultPlans = new LinkedHashMap<>();
        private ConsumerOptions clientOptions = ConsumerOptions.defaults();
        private long seed = 42;
        private String basePath;
        private String zooKeeper;
        private boolean externalFleet;
        private Path resultsDir;
        private int warmUpCalls;
        private Class<?> warmUpService;
        private String warmUpMethod;
        private Object[] warmUpArgs;
        private boolean callHistory;
        private long historySlackMillis;

        private Builder(String name, Properties properties) {
            this.name = Objects.requireNonNull(name, "name");
            this.properties = properties;
        }

        /** Embedded providers to start, 3 by default. */
        public Builder providers(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("providers must be at least 1, was " + value);
            }
            this.providers = value;
            return this;
        }

        /** Every embedded provider serves {@code iface} with a fresh {@code impl}. */
        public <T> Builder serve(Class<T> iface, Supplier<? extends T> impl) {
            services.put(iface, impl);
            return this;
        }

        /** The fault plan embedded provider {@code index} (0-based) starts with. */
        public Builder faultPlan(int index, FaultPlan plan) {
            faultPlans.put(index, plan);
            return this;
        }

        /** Options of the client under load. */
        public Builder clientOptions(ConsumerOptions value) {
            this.clientOptions = Objects.requireNonNull(value, "clientOptions");
            return this;
        }

        /** Seed of the run: every fault plan's randomness is drawn from it (see {@code RpcCluster.Builder#seed}). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Calls to make when the target starts, before the load (not recorded), so the run does not measure class
         * loading and JIT compilation; {@code rpc.warmUpCalls} overrides the count.
         */
        public Builder warmUp(int calls, Class<?> service, String method, Object... args) {
            this.warmUpCalls = calls;
            this.warmUpService = Objects.requireNonNull(service, "service");
            this.warmUpMethod = Objects.requireNonNull(method, "method");
            this.warmUpArgs = args.clone();
            return this;
        }

        /** A target, not yet started, with the system properties applied. */
        public LoadTarget build() {
            this.basePath = properties.getProperty("rpc.basePath", WireContract.DEFAULT_BASE_PATH);
            String zk = properties.getProperty("rpc.zookeeper", "").trim();
            this.zooKeeper = zk.isEmpty() ? null : zk;
            this.externalFleet = "external".equalsIgnoreCase(properties.getProperty("rpc.fleet", "embedded"));
            if (externalFleet && zooKeeper == null) {
                throw new IllegalArgumentException("rpc.fleet=external needs rpc.zookeeper=host:port");
            }
            this.resultsDir = Paths.get(properties.getProperty("rpc.resultsDir",
                    properties.getProperty("gatling.resultsFolder", "target/gatling")));
            this.callHistory = Boolean.parseBoolean(properties.getProperty("rpc.history", "true"));
            this.historySlackMillis = Long.parseLong(properties.getProperty("rpc.history.slackMs", "2000"));
            if (warmUpService != null) {
                this.warmUpCalls = Integer.parseInt(properties.getProperty("rpc.warmUpCalls",
                        String.valueOf(warmUpCalls)));
            }
            if (services.isEmpty() && !externalFleet) {
                throw new IllegalStateException("the load target serves nothing: add serve(Interface.class, Impl::new)");
            }
            return new LoadTarget(this);
        }
    }
}
