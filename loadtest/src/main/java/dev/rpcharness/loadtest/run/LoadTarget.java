package dev.rpcharness.loadtest.run;

import dev.rpcharness.cluster.ClusterSpec;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.gatling.RpcTarget;
import dev.rpcharness.loadtest.record.AttemptLog;
import dev.rpcharness.loadtest.record.LatencyRecorder;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.RunFolder;
import dev.rpcharness.run.TimelineAction;
import dev.rpcharness.injectors.InjectorRunException;
import dev.rpcharness.loadtest.spread.GuestIdentity;
import dev.rpcharness.loadtest.spread.InjectorRole;
import dev.rpcharness.loadtest.spread.RunGuest;
import dev.rpcharness.loadtest.spread.RunHost;
import dev.rpcharness.loadtest.spread.SpreadProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system a simulation loads: by default an embedded {@link RpcCluster} (ZooKeeper and fake providers in this
 * JVM) and one consumer client discovering them; or, by system properties, a real ZooKeeper ensemble and providers
 * running elsewhere, so the same simulation load-tests a real fleet. The embedded cluster is the one
 * {@link Builder#clusterSpec()} describes: a {@link ClusterSpec}, with its defaults (1 provider serving the demo
 * echo, seed 0, the client's default options) unless the simulation sets them.
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
 * cluster timeline ({@code rpc-timeline.jsonl}), a summary ({@code rpc-summary.txt}, {@code rpc-summary.json}) and
 * the attempts per call over time ({@code rpc-attempts.csv}, {@link AttemptLog}), then closes the client, the
 * cluster and the chaos thread. Its parts: {@link LoadProperties} (the system
 * properties), {@link LoadFleet} (the cluster or external fleet, and the client), {@link WarmUp},
 * {@link ChaosExecutor} and {@link RunFiles}. Threading: {@link RpcTarget} methods are thread-safe; start and close
 * are called once each, by one thread.
 */
public final class LoadTarget implements RpcTarget, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadTarget.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);

    private final String name;
    private final Properties properties;
    private final ClusterSpec spec;
    private final LoadProperties settings;
    private final WarmUp warmUp;
    private final String runId;
    private final ReplayRecord replay;
    private final SpreadProperties spread;
    /** The simulation class's name, or null for a target built without one (it cannot be spread). */
    private final String simulation;
    private final Map<Class<?>, AsyncObjectProxy> proxies = new ConcurrentHashMap<>();
    private volatile LoadFleet fleet;
    private volatile RpcCluster cluster;
    private volatile ConsumerClient client;
    private volatile LatencyRecorder recorder;
    private volatile AttemptLog attempts;
    private volatile ChaosExecutor chaos;
    private volatile RunFiles files;
    private volatile InjectorRole role = InjectorRole.solo();
    private volatile boolean closed;

    private LoadTarget(Builder b, ReplayRecord replay, LoadProperties settings, SpreadProperties spread) {
        this.name = b.name;
        this.properties = b.properties;
        this.replay = replay;
        this.spec = b.clusterSpec(replay);
        this.settings = settings;
        this.warmUp = b.warmUp == null ? null : b.warmUp.withProperties(b.properties);
        this.runId = name + "-" + LocalDateTime.now().format(STAMP);
        this.spread = spread;
        this.simulation = b.simulation;
    }

    /** A target named after {@code simulation} (Gatling's run folders start with its lower-case simple name). */
    public static Builder builder(Class<?> simulation) {
        Builder b = new Builder(simulation.getSimpleName().toLowerCase(Locale.ROOT), System.getProperties());
        b.simulation = simulation.getName();
        return b;
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
        files = new RunFiles(name, settings.resultsDir(), runId);
        chaos = new ChaosExecutor(name, replay, () -> cluster);
        recorder = new LatencyRecorder(files.runDir().resolve(RunFolder.LATENCY_LOG), Duration.ofSeconds(1));
        try {
            Path historyDir = !settings.callHistory() ? null
                    : spread.guest() ? spread.historyDir() : files.historyDir();
            fleet = LoadFleet.start(name, spread.guest() ? GuestIdentity.of(spec, spread.index()) : spec,
                    settings.externalFleet(), historyDir);
            client = fleet.client();
            cluster = fleet.cluster();
            role = startRole();
            if (warmUp != null && warmUp.calls() > 0) {
                String done = warmUp.run(proxy(warmUp.service()), name);
                if (cluster != null) {
                    cluster.record(TimelineAction.WARM_UP, name, done);
                }
            }
            LatencyRecorder live = recorder;
            role.awaitStart(() -> new InjectorRole.LiveFigures(live.callCount(), live.failedCount(),
                    live.lastIntervalP99Micros()));
            replay.loadStarted();
            attempts = new AttemptLog(files.runDir().resolve(AttemptLog.FILE), Duration.ofSeconds(1),
                    recorder::callCount, client::retryBudget, fleet::receivedByProvider).start();
        } catch (InterruptedException | IOException | RuntimeException e) {
            try {
                recorder.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            closeQuietly();
            role.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException r ? r
                    : new IllegalStateException(this + " could not start its part of the run: " + e, e);
        }
        return this;
    }

    /** Solo; or the host of a spread run (launching its guests now, so they start while it warms up); or a guest. */
    private InjectorRole startRole() throws InterruptedException, IOException {
        if (spread.host()) {
            RpcCluster c = cluster;
            String run = spread.runId() != null ? spread.runId() : runId; // a given id lets remote guests join
            return RunHost.start(spread, new RunHost.Fleet(simulation, run, spec.seed(), c.connectString(),
                    spec.basePath(), settings.resultsDir(), settings.callHistory(), SpreadProperties.forwarded(properties)),
                    (step, by) -> c.record(TimelineAction.CHAOS_CLAIMED, step, by));
        }
        return spread.guest() ? RunGuest.join(spread) : InjectorRole.solo();
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
            throw new IllegalStateException(settings.externalFleet()
                    ? "chaos steps need an embedded cluster; " + this + " drives an external fleet"
                    : this + " is not started: call start() in the simulation's before()");
        }
        return c;
    }

    @Override
    public int injectors() {
        return spread.injectors();
    }

    @Override
    public boolean sendsArrival(long arrival) {
        return role.sendsArrival(arrival);
    }

    @Override
    public void chaosStep(String name, Runnable onCluster) throws InterruptedException {
        role.chaosStep(name, onCluster);
    }

    @Override
    public String check(String name, Supplier<String> evaluate) throws InterruptedException {
        return role.check(name, evaluate);
    }

    @Override
    public ExecutorService chaosExecutor() {
        ExecutorService e = chaos;
        if (e == null) {
            throw new IllegalStateException(this + " is not started");
        }
        return e;
    }

    /**
     * Attempts per call over time ({@value AttemptLog#FILE}, docs/call-policies.md), sampled every second from
     * the start of the load.
     *
     * @throws IllegalStateException when the load has not started
     */
    public AttemptLog attempts() {
        AttemptLog a = attempts;
        if (a == null) {
            throw new IllegalStateException(this + " is not started");
        }
        return a;
    }

    /** The consumer client under load. */
    public ConsumerClient client() {
        ConsumerClient c = client;
        if (c == null) {
            throw new IllegalStateException(this + " is not started");
        }
        return c;
    }

    /** The description of the embedded cluster (with the system properties applied), started or not. */
    public ClusterSpec clusterSpec() {
        return spec;
    }

    /** The folder this target writes its files to (until close moves them next to Gatling's report). */
    public synchronized Path runDir() {
        RunFiles f = files;
        return f == null ? null : f.runDir();
    }

    /**
     * Writes the run files next to Gatling's report and closes everything this target started. Idempotent;
     * keeps going after a failure. In a spread run, the host first waits for every guest to finish and exit, checks
     * their call histories with its own and gathers their run folders into its own; a guest passes the end
     * barrier once its client is closed.
     *
     * @throws InjectorRunException when a spread run failed as a whole (an injector lost, unless
     *     {@code rpc.injectors.onLost=partial}, or a guest's Gatling run failed), once everything is written
     *     (the host's {@link RunFolder#INJECTORS_OUTCOME} says why) and closed: Gatling then ends with an error
     *     (and writes no HTML report of the host's own share; the guests' reports and every run file are there)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ChaosExecutor c = chaos;
        if (c != null) {
            c.stopAndAwait();
        }
        AttemptLog a = attempts;
        if (a != null) {
            a.close();
        }
        LatencyRecorder r = recorder;
        InjectorRole part = role;
        if (r != null) {
            try {
                r.close();
            } catch (RuntimeException e) {
                log.error("the latency log of {} is incomplete", this, e);
            }
            try {
                part.awaitOthers();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                files.writeLatencyAndTimeline(r, cluster);
            } catch (RuntimeException e) {
                log.warn("cannot write the run files of {}", this, e);
            }
        }
        closeQuietly();
        RunFiles f = files;
        if (f != null) {
            f.checkCallHistory(cluster, settings.historySlack(), part.historyFiles());
            f.writeReplay(replay, spec, properties);
            try {
                part.leave(f.runDir());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        part.close();
        part.failure().ifPresent(failure -> {
            throw new InjectorRunException(failure);
        });
    }

    private void closeQuietly() {
        LoadFleet f = fleet;
        if (f != null) {
            f.close();
        }
        ExecutorService c = chaos;
        if (c != null) {
            c.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "LoadTarget[" + name + (settings.externalFleet()
                ? ", external fleet " + spec.externalZooKeeper().orElse("") : "") + "]";
    }

    /**
     * Settings of a {@link LoadTarget}: the cluster's (mapped onto a {@link ClusterSpec}, with its defaults and
     * checks) and the warm-up; system properties override what the simulation sets. Not thread-safe.
     */
    public static final class Builder {

        private final String name;
        private final Properties properties;
        private final ClusterSpec.Builder cluster = ClusterSpec.builder();
        private WarmUp warmUp;
        private String simulation;

        private Builder(String name, Properties properties) {
            this.name = Objects.requireNonNull(name, "name");
            this.properties = Objects.requireNonNull(properties, "properties");
        }

        /** Embedded providers to start, 1 by default ({@link ClusterSpec}'s default). */
        public Builder providers(int value) {
            cluster.providers(value);
            return this;
        }

        /** Every embedded provider serves {@code iface} with a fresh {@code impl}; the demo echo when none. */
        public <T> Builder serve(Class<T> iface, Supplier<? extends T> impl) {
            cluster.serve(iface, impl);
            return this;
        }

        /** The fault plan embedded provider {@code index} (0-based) starts with. */
        public Builder faultPlan(int index, FaultPlan plan) {
            cluster.faultPlan(index, plan);
            return this;
        }

        /** Options of the client under load, {@link ConsumerOptions#defaults()} by default. */
        public Builder clientOptions(ConsumerOptions value) {
            cluster.clientOptions(value);
            return this;
        }

        /** A link-fault proxy on every link of the cluster ({@link ClusterSpec#links()}); off by default. */
        public Builder links(boolean value) {
            cluster.links(value);
            return this;
        }

        /** The providers' ZooKeeper session timeout ({@link ClusterSpec#providerSessionTimeout()}). */
        public Builder providerSessionTimeout(Duration value) {
            cluster.providerSessionTimeout(value);
            return this;
        }

        /** The client's ZooKeeper session timeout ({@link ClusterSpec#clientSessionTimeout()}). */
        public Builder clientSessionTimeout(Duration value) {
            cluster.clientSessionTimeout(value);
            return this;
        }

        /** Seed of the run, 0 by default: every fault plan's randomness is drawn from it ({@code rpc.replay} wins). */
        public Builder seed(long value) {
            cluster.seed(value);
            return this;
        }

        /**
         * Calls to make when the target starts, before the load (not recorded), so the run does not measure class
         * loading and JIT compilation; {@code rpc.warmUpCalls} overrides the count.
         */
        public Builder warmUp(int calls, Class<?> service, String method, Object... args) {
            this.warmUp = new WarmUp(calls, service, method, args);
            return this;
        }

        /**
         * The cluster this target starts: what the simulation set, with {@code rpc.basePath}, {@code rpc.zookeeper}
         * and the seed of {@code rpc.replay} applied.
         *
         * @throws IllegalArgumentException naming the setting or property whose value is bad
         */
        public ClusterSpec clusterSpec() {
            return clusterSpec(ReplayRecord.from(properties));
        }

        private ClusterSpec clusterSpec(ReplayRecord replay) {
            return LoadProperties.applyTo(cluster.build(), properties, replay);
        }

        /**
         * A target, not yet started, with the system properties applied.
         *
         * @throws IllegalArgumentException naming the setting or property whose value is bad
         */
        public LoadTarget build() {
            ReplayRecord replay = ReplayRecord.from(properties);
            LoadProperties settings = LoadProperties.from(properties,
                    !properties.getProperty("rpc.zookeeper", "").isBlank());
            SpreadProperties spread = SpreadProperties.from(properties).checkedFor(simulation != null,
                    settings.externalFleet());
            return new LoadTarget(this, replay, settings, spread);
        }
    }
}
