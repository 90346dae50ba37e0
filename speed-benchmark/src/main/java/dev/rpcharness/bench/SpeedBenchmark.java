package dev.rpcharness.bench;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.ImplementationThreads;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The speed benchmark: five client/server stacks in one JVM on loopback, measured in the same run and compared.
 *
 * <ul>
 *   <li>A, the limit: a bare Netty HTTP/1.1 client ({@link PipelinedHttpClient}) and server ({@link BareNettyServer}),
 *       pipelined, one flush per read batch;</li>
 *   <li>B: gRPC-java unary calls ({@link GrpcStack}), byte[] marshaller, directExecutor on both sides;</li>
 *   <li>C: the consumer core against the bare Netty server (its default options are shown too);</li>
 *   <li>D: the bare Netty client against {@link FakeProvider};</li>
 *   <li>E: the consumer core against {@link FakeProvider}, what the project ships.</li>
 * </ul>
 *
 * Each stack first gets a short search over connection count and calls in flight (closed loop); the best
 * setting is kept. Then the stacks run alternately A B C D E (and the consumer's defaults) over several rounds,
 * and the medians are reported with allocation and CPU per call (client and server threads apart). Then an
 * open loop at 50% load, half of A's open-loop capacity (the highest rate, from its closed-loop median down by
 * fifths, that A keeps up with: the sending thread needs a core the closed loop does not), gives p50/p99/p99.9
 * from each call's intended start, after a collection so earlier phases' garbage does not pause it. The full mode also
 * measures the harness's fidelity: a fixed injected 20 ms latency at 1,000 calls/s, as the client sees it. The
 * last five lines are the RATIO lines. Prints figures; asserts nothing.
 *
 * <p>Run: {@code mvn -B -pl speed-benchmark -am verify -Pspeed -DskipTests} (short, about a minute and a half) or with
 * {@code -Drpc.speed.mode=full}; or {@code java -cp ... dev.rpcharness.bench.SpeedBenchmark short|full}.
 */
public final class SpeedBenchmark {

    /** How long each phase runs. */
    record Mode(String name, long warmNanos, long searchNanos, long roundNanos, int rounds, long openWarmNanos,
                long openNanos, boolean fidelity, int[][] grid) {

        /**
         * The grid's windows at {@code connections} connections: the consumer's defaults fix the connection count,
         * so only the calls in flight are searched.
         */
        int[][] atConnections(int connections) {
            return java.util.Arrays.stream(grid).mapToInt(s -> s[1]).distinct()
                    .mapToObj(w -> new int[] {connections, w}).toArray(int[][]::new);
        }
    }

    static final Mode SHORT = new Mode("short", ms(1500), ms(700), ms(1500), 3, ms(1500), ms(3000), false,
            new int[][] {{1, 128}, {1, 256}, {2, 256}});
    static final Mode FULL = new Mode("full", ms(4000), ms(1500), ms(4000), 5, ms(3000), ms(8000), true,
            new int[][] {{1, 64}, {1, 128}, {1, 256}, {1, 512}, {2, 128}, {2, 256}, {2, 512}});

    private static final List<String> SERVER_THREADS = List.of("bench-server", "bench-provider", "grpc-server");

    private final Mode mode;
    private final PrintStream out;
    private final ThreadCost cost = new ThreadCost(SERVER_THREADS);
    private final LoopDriver driver = new LoopDriver(cost);

    private SpeedBenchmark(Mode mode, PrintStream out) {
        this.mode = mode;
        this.out = out;
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** One stack under test: how to build it with n connections, and its chosen setting. */
    private static final class Entry {
        final String key;
        final String label;
        final IntFunction<BenchStack> factory;
        final int[][] grid;
        BenchStack stack;
        int connections;
        int window;
        final List<LoopDriver.Result> rounds = new ArrayList<>();
        LoopDriver.Result open;

        Entry(String key, String label, IntFunction<BenchStack> factory, int[][] grid) {
            this.key = key;
            this.label = label;
            this.factory = factory;
            this.grid = grid;
        }
    }

    /**
     * Where the fake providers measured here run their implementation: on the I/O thread, the opt-in for speed
     * (EchoServiceImpl never blocks), so D and E measure the server without a hand-off to a worker. Printed with
     * the results.
     */
    static final ImplementationThreads IMPLEMENTATIONS = ImplementationThreads.IO_THREAD;

    /** The line that says where a measured fake provider runs implementations. */
    static String implementationsLine(FakeProvider provider) {
        return "fake-provider implementations on " + provider.implementationThreads()
                + (provider.implementationThreads() == ImplementationThreads.IO_THREAD
                ? " (opt-in for speed; the default is " + ImplementationThreads.WORKER_POOL + ")" : " (the default)");
    }

    public static void main(String[] args) throws Exception {
        String m = args.length > 0 ? args[0] : System.getProperty("rpc.speed.mode", "short");
        Mode mode = "full".equalsIgnoreCase(m) ? FULL : SHORT;
        new SpeedBenchmark(mode, System.out).run();
    }

    private void run() {
        out.printf(Locale.ROOT, "speed benchmark, %s mode: Java %s, %d cores, load average at start %s%n",
                mode.name(), Runtime.version(), Runtime.getRuntime().availableProcessors(), loadAverage());
        long began = System.nanoTime();
        try (BareNettyServer bare = new BareNettyServer();
             GrpcStack.GrpcServer grpc = new GrpcStack.GrpcServer();
             FakeProvider provider = FakeProvider.builder().name("bench-provider")
                     .implementationThreads(IMPLEMENTATIONS)
                     .serve(EchoService.class, new EchoServiceImpl()).build().start()) {
            out.println(implementationsLine(provider));
            String bareAddress = "127.0.0.1:" + bare.port();
            int[][] defaults = mode.atConnections(ConsumerOptions.defaults().connectionsPerProvider());
            Map<String, Entry> entries = new LinkedHashMap<>();
            add(entries, new Entry("A", "raw-netty", n -> new PipelinedHttpClient("127.0.0.1", bare.port(), n),
                    mode.grid()));
            add(entries, new Entry("B", "grpc-java", n -> new GrpcStack(grpc.port(), n), mode.grid()));
            add(entries, new Entry("C", "consumer-core", n -> new ConsumerStack(bareAddress, bestOptions(n)),
                    mode.grid()));
            add(entries, new Entry("D", "fake-provider", n -> new PipelinedHttpClient("127.0.0.1", provider.port(),
                    n), mode.grid()));
            add(entries, new Entry("E", "consumer-core+fake-provider",
                    n -> new ConsumerStack(provider.address(), bestOptions(n)), mode.grid()));
            add(entries, new Entry("C0", "consumer-core defaults",
                    n -> new ConsumerStack(bareAddress, ConsumerOptions.defaults()), defaults));
            add(entries, new Entry("E0", "consumer-core defaults+fake-provider",
                    n -> new ConsumerStack(provider.address(), ConsumerOptions.defaults()), defaults));
            try {
                out.println("-- search: connections x calls in flight, closed loop, "
                        + mode.searchNanos() / 1_000_000 + " ms each after warm-up");
                for (Entry e : entries.values()) {
                    search(e);
                }
                out.println("-- rounds: A B C D E (C0/E0: consumer core with its default options), "
                        + mode.roundNanos() / 1_000_000 + " ms each");
                for (int r = 1; r <= mode.rounds(); r++) {
                    for (Entry e : entries.values()) {
                        LoopDriver.Result res = driver.closed(e.stack, e.window, ms(300), mode.roundNanos());
                        e.rounds.add(res);
                        out.println("round " + r + " " + line(e, res));
                    }
                }
                double limit = median(entries.get("A"), LoopDriver.Result::callsPerSecond);
                double capacity = openLoopCapacityOfTheLimit(entries.get("A"), limit);
                double rate = capacity / 2;
                out.printf(Locale.ROOT, "-- open loop at 50%% load: half of A's open-loop capacity (%.0f calls/s), "
                        + "latency from intended start over answered calls, failed calls counted apart, %d ms each "
                        + "after %d ms unrecorded; each stack at its best connection count from the search (consumer "
                        + "core: %s; C0 with its default options)%n", rate, mode.openNanos() / 1_000_000,
                        mode.openWarmNanos() / 1_000_000, BEST_OPTIONS_TEXT);
                Entry limitEntry = entries.get("A");
                limitEntry.open = openLoop(limitEntry, rate);
                out.println(openLine(limitEntry, limitEntry.open, rate));
                for (String k : List.of("B", "C", "D", "E", "C0")) {
                    Entry e = entries.get(k);
                    e.open = openLoop(e, rate);
                    Map<String, Long> kinds = e.stack.takeFailureKinds();
                    out.println(openLine(e, e.open, rate) + (kinds.isEmpty() ? "" : "  failures by kind, warm-up "
                            + "included: " + kinds));
                }
                if (mode.fidelity()) {
                    fidelity();
                }
                summary(entries);
                out.printf(Locale.ROOT, "load average at end %s; %.0f s in all%n", loadAverage(),
                        (System.nanoTime() - began) / 1e9);
                // On a machine shared with other work, throughput swings with the neighbours; CPU per call does not.
                double cpuA = median(entries.get("A"), LoopDriver.Result::processCpuMicrosPerCall);
                double serverA = median(entries.get("A"), LoopDriver.Result::serverCpuMicrosPerCall);
                out.printf(Locale.ROOT, "COST fake-provider/raw-netty server cpu per call = %.2f (%.2f us / %.2f us)%n",
                        median(entries.get("D"), LoopDriver.Result::serverCpuMicrosPerCall) / serverA,
                        median(entries.get("D"), LoopDriver.Result::serverCpuMicrosPerCall), serverA);
                for (String k : List.of("B", "C", "D", "E")) {
                    double cpu = median(entries.get(k), LoopDriver.Result::processCpuMicrosPerCall);
                    out.printf(Locale.ROOT, "COST %s/raw-netty process cpu per call = %.2f, i.e. throughput at equal "
                            + "cpu %.2f of A%n", entries.get(k).label, cpu / cpuA, cpuA / cpu);
                }
                out.printf(Locale.ROOT, "DEFAULTS consumer-core with its default options/raw-netty throughput = %.2f, "
                        + "against fake-provider %.2f%n", median(entries.get("C0"), LoopDriver.Result::callsPerSecond)
                        / limit, median(entries.get("E0"), LoopDriver.Result::callsPerSecond) / limit);
                double a = limit;
                double b = median(entries.get("B"), LoopDriver.Result::callsPerSecond);
                double c = median(entries.get("C"), LoopDriver.Result::callsPerSecond);
                double d = median(entries.get("D"), LoopDriver.Result::callsPerSecond);
                double e = median(entries.get("E"), LoopDriver.Result::callsPerSecond);
                for (String k : List.of("A", "C", "E")) {
                    LoopDriver.Result o = entries.get(k).open;
                    if (o.failures() > 0 || o.calls() == 0) {
                        out.printf(Locale.ROOT, "NOTE open loop %s: p99 over %d answered calls, %d failed%n",
                                entries.get(k).label, o.calls(), o.failures());
                    }
                }
                out.printf(Locale.ROOT, "RATIO consumer-core+fake-provider/raw-netty throughput = %.2f%n", e / a);
                out.printf(Locale.ROOT, "RATIO fake-provider/raw-netty throughput = %.2f%n", d / a);
                out.printf(Locale.ROOT, "RATIO consumer-core/raw-netty throughput = %.2f%n", c / a);
                out.printf(Locale.ROOT, "RATIO consumer-core/grpc-java throughput = %.2f%n", c / b);
                out.printf(Locale.ROOT, "RATIO consumer-core/raw-netty p99 at 50%% load = %.2f%n",
                        entries.get("C").open.p(99) / entries.get("A").open.p(99));
            } finally {
                for (Entry e : entries.values()) {
                    if (e.stack != null) {
                        e.stack.close();
                    }
                }
            }
        }
    }

    /**
     * The limit's capacity under the open-loop driver: the highest of its closed-loop median and that lowered by
     * fifths (at most five times) at which A keeps up (nothing shed or failed, at least 95% answered). The driver's
     * sending thread needs a core that the closed loop does not, so on a small machine this is well below the
     * closed loop's rate; "50% load" is half of it, where the limit runs at half of what it can sustain here, as
     * on a machine where the driver costs nothing it would be half of the closed loop's rate.
     */
    private double openLoopCapacityOfTheLimit(Entry a, double closedLoopRate) {
        out.println("-- the limit's open-loop capacity, from its closed-loop median down by fifths, "
                + mode.searchNanos() * 2 / 1_000_000 + " ms each");
        double rate = closedLoopRate;
        for (int attempt = 0; ; attempt++) {
            collectGarbage();
            LoopDriver.Result probe = driver.open(a.stack, rate, mode.searchNanos(), 2 * mode.searchNanos());
            boolean kept = keptUp(probe, rate);
            out.printf(Locale.ROOT, "capacity A at %.0f calls/s (%.0f%% of its closed loop): %s, p99 %.3f ms%n", rate,
                    100 * rate / closedLoopRate, kept ? "kept up" : "did NOT keep up", probe.p(99));
            if (kept || attempt == 5) {
                return rate;
            }
            rate *= 0.8;
        }
    }

    /**
     * One stack's measured open loop at {@code rate}, after an unrecorded one of the same rate: the first open
     * loop after closed-loop rounds runs into recompilation (its completion call sites were compiled for the
     * closed loop's only completion) and, at high rates, a backlog that outlasts a plain warm-up. Failure kinds
     * are counted from the measured run's warm-up on.
     */
    private LoopDriver.Result openLoop(Entry e, double rate) {
        driver.open(e.stack, rate, 0, mode.openWarmNanos());
        e.stack.takeFailureKinds();
        collectGarbage();
        return driver.open(e.stack, rate, mode.openWarmNanos(), mode.openNanos());
    }

    private static boolean keptUp(LoopDriver.Result r, double rate) {
        return r.shed() == 0 && r.failures() == 0 && r.callsPerSecond() > rate * 0.95;
    }

    /** A collection before a latency phase, so the garbage of the phases before it does not pause this one. */
    private static void collectGarbage() {
        System.gc();
    }

    private static void add(Map<String, Entry> entries, Entry e) {
        entries.put(e.key, e);
    }

    /** {@link #bestOptions}, as printed with the open loop. */
    static final String BEST_OPTIONS_TEXT = "callbacks on the I/O thread, 1 I/O thread, call timeout 5 s, "
            + "maxCallsInFlight " + ConsumerOptions.defaults().maxCallsInFlight();

    /** The consumer core's fastest settings: callbacks on the I/O thread, one I/O thread, n connections. */
    static ConsumerOptions bestOptions(int connections) {
        return ConsumerOptions.builder().callTimeout(Duration.ofSeconds(5)).ioThreads(1)
                .connectionsPerProvider(connections).callbackExecutor(Runnable::run).build();
    }

    private void search(Entry e) {
        Map<Integer, BenchStack> byConnections = new LinkedHashMap<>();
        double best = -1;
        boolean first = true;
        for (int[] setting : e.grid) {
            BenchStack s = byConnections.computeIfAbsent(setting[0], e.factory::apply);
            LoopDriver.Result r = driver.closed(s, setting[1], first ? mode.warmNanos() : ms(300),
                    mode.searchNanos());
            first = false;
            out.printf(Locale.ROOT, "search %-2s %-38s %d conn %4d in flight: %9.0f calls/s%s%n", e.key, e.label,
                    setting[0], setting[1], r.callsPerSecond(), r.failures() > 0 ? "  " + r.failures() + " failed"
                            : "");
            if (r.callsPerSecond() > best) {
                best = r.callsPerSecond();
                e.connections = setting[0];
                e.window = setting[1];
            }
        }
        byConnections.forEach((n, s) -> {
            if (n == e.connections) {
                e.stack = s;
            } else {
                s.close();
            }
        });
    }

    private static String line(Entry e, LoopDriver.Result r) {
        return String.format(Locale.ROOT, "%-2s %-38s %9.0f calls/s  alloc/call client %5.0f B server %5.0f B  "
                        + "cpu/call client %5.2f us server %5.2f us process %5.2f us%s",
                e.key, e.label, r.callsPerSecond(), r.clientBytesPerCall(), r.serverBytesPerCall(),
                r.clientCpuMicrosPerCall(), r.serverCpuMicrosPerCall(), r.processCpuMicrosPerCall(),
                r.failures() > 0 ? "  " + r.failures() + " failed" : "");
    }

    private static String openLine(Entry e, LoopDriver.Result r, double rate) {
        boolean keptUp = keptUp(r, rate);
        return String.format(Locale.ROOT, "open %-2s %-38s %d conn  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  "
                        + "(%.0f calls/s answered, %d failed, %d shed%s)", e.key, e.label, e.connections, r.p(50),
                r.p(99), r.p(99.9), r.callsPerSecond(), r.failures(), r.shed(), keptUp ? "" : ", did NOT keep up");
    }

    private void fidelity() {
        FaultPlan plan = FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(20))));
        try (FakeProvider slow = FakeProvider.builder().name("bench-provider-slow")
                .implementationThreads(IMPLEMENTATIONS)
                .serve(EchoService.class, new EchoServiceImpl()).faultPlan(plan).build().start();
             ConsumerStack client = new ConsumerStack(slow.address(), bestOptions(1))) {
            collectGarbage();
            LoopDriver.Result r = driver.open(client, 1_000, ms(2000), ms(10_000));
            out.printf(Locale.ROOT, "fidelity: injected fixed 20 ms at 1000 calls/s, at the client: p50 %.3f ms  "
                    + "p99 %.3f ms  p99.9 %.3f ms  max %.3f ms (%d calls, %d failed)%n", r.p(50), r.p(99), r.p(99.9),
                    r.latencyMicros().getMaxValue() / 1000.0, r.calls(), r.failures());
        }
    }

    private void summary(Map<String, Entry> entries) {
        out.println("-- medians over " + mode.rounds() + " rounds (setting: connections x calls in flight)");
        double limit = median(entries.get("A"), LoopDriver.Result::callsPerSecond);
        for (Entry e : entries.values()) {
            out.printf(Locale.ROOT, "%-2s %-38s %d x %-4d %9.0f calls/s  %.2f of A  alloc/call client %5.0f B "
                            + "server %5.0f B  cpu/call client %5.2f us server %5.2f us process %5.2f us%n",
                    e.key, e.label, e.connections, e.window, median(e, LoopDriver.Result::callsPerSecond),
                    median(e, LoopDriver.Result::callsPerSecond) / limit,
                    median(e, LoopDriver.Result::clientBytesPerCall), median(e, LoopDriver.Result::serverBytesPerCall),
                    median(e, LoopDriver.Result::clientCpuMicrosPerCall),
                    median(e, LoopDriver.Result::serverCpuMicrosPerCall),
                    median(e, LoopDriver.Result::processCpuMicrosPerCall));
        }
    }

    private static double median(Entry e, java.util.function.ToDoubleFunction<LoopDriver.Result> f) {
        double[] v = e.rounds.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            String[] parts = s.split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
