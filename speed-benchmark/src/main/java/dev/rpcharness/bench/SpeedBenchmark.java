package dev.rpcharness.bench;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.policy.CallPolicy;
import dev.rpcharness.link.Link;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.ImplementationThreads;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The speed benchmark: nine client/server stacks in one JVM on loopback, measured in the same run and compared
 * with the floor.
 *
 * <ul>
 *   <li>F, the floor: {@link FloorClient} and {@link FloorServer}, which send exactly the wire contract's bytes (the
 *       consumer core's requests and FakeProvider's answers for the echo call) and frame them by hand on both sides;
 *       Netty, one I/O thread per side, pipelined, one flush per read batch;</li>
 *   <li>A, a reference: a bare Netty HTTP/1.1 client ({@link PipelinedHttpClient}) and server
 *       ({@link BareNettyServer}) on Netty's HTTP codecs, pipelined the same way;</li>
 *   <li>B, a reference: gRPC-java unary calls ({@link GrpcStack}), byte[] marshaller, directExecutor on both
 *       sides;</li>
 *   <li>C and C0: the consumer core against F's server, with its best options and with its default options (the
 *       client side measured against F's client);</li>
 *   <li>CR: C0 with a retry policy on the echo (idempotent, 3 attempts: {@link #retryingDefaults()}), under no
 *       fault, so every call takes the policy path and one attempt: what turning retries on costs;</li>
 *   <li>D: F's client against {@link FakeProvider} (the server side measured against F's server);</li>
 *   <li>E and E0: the consumer core against {@link FakeProvider}, what the project ships, with the consumer's best
 *       and default options (the whole stack measured against F);</li>
 *   <li>L: E's consumer core (best options) through a {@link Link} without toxics to the same
 *       {@link FakeProvider}: the link's own cost, measured against E in the same run.</li>
 * </ul>
 *
 * Each stack first gets a short search over connection count and calls in flight (closed loop); the best
 * setting is kept (the consumer's defaults fix the connection count, so C0 and E0 search calls in flight only).
 * Then the stacks run alternately F A B C C0 CR D E L E0 over several rounds, and the medians are reported with
 * allocation and CPU per call (client and server threads apart). Then open loops at 50% load, half of F's
 * open-loop capacity (the highest rate, from its closed-loop median down by fifths, that F keeps up with: the
 * sending thread needs a core the closed loop does not), give p50/p99/p99.9 from each call's intended start, each
 * after a collection so earlier phases' garbage does not pause it; in full mode three rounds of them alternately,
 * and each stack's round with the median p99 is its figure (a stack's first open loops in a JVM that ran other
 * stacks are its slowest: the open loop's paths are still being compiled). The full mode also measures the
 * harness's fidelity: a fixed injected 20 ms latency at 1,000 calls/s, as the client sees it. Closes with the COST
 * and RATIO lines of {@link SpeedLines} (L's against E: {@code RATIO link/direct ...} and
 * {@code COST link/direct ...}). Prints figures; asserts nothing.
 *
 * <p>Run: {@code mvn -B -pl speed-benchmark -am verify -Pspeed -DskipTests} (short, about three minutes) or with
 * {@code -Drpc.speed.mode=full}; or {@code java -cp ... dev.rpcharness.bench.SpeedBenchmark short|full}.
 */
public final class SpeedBenchmark {

    /** How long each phase runs. */
    record Mode(String name, long warmNanos, long searchNanos, long roundNanos, int rounds, int openRounds,
                long openWarmNanos, long openNanos, boolean fidelity, int[][] grid) {

        /**
         * The grid's windows at {@code connections} connections: the consumer's defaults fix the connection count,
         * so only the calls in flight are searched.
         */
        int[][] atConnections(int connections) {
            return java.util.Arrays.stream(grid).mapToInt(s -> s[1]).distinct()
                    .mapToObj(w -> new int[] {connections, w}).toArray(int[][]::new);
        }
    }

    static final Mode SHORT = new Mode("short", ms(1500), ms(700), ms(1500), 3, 1, ms(1500), ms(3000), false,
            new int[][] {{1, 128}, {1, 256}, {2, 256}});
    static final Mode FULL = new Mode("full", ms(4000), ms(1500), ms(4000), 5, 3, ms(2000), ms(6000), true,
            new int[][] {{1, 64}, {1, 128}, {1, 256}, {1, 512}, {2, 128}, {2, 256}, {2, 512}});

    private static final List<String> SERVER_THREADS = List.of(FloorServer.THREADS, "bench-server", "bench-provider",
            "grpc-server");

    private final Mode mode;
    private final PrintStream out;
    private final ThreadCost cost = new ThreadCost(SERVER_THREADS);
    private final LoopDriver driver = new LoopDriver(cost);

    private SpeedBenchmark(Mode mode, PrintStream out) {
        this.mode = mode;
        this.out = out;
    }

    static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
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
        try (FloorServer floor = new FloorServer();
             BareNettyServer bare = new BareNettyServer();
             GrpcStack.GrpcServer grpc = new GrpcStack.GrpcServer();
             FakeProvider provider = FakeProvider.builder().name("bench-provider")
                     .implementationThreads(IMPLEMENTATIONS)
                     .serve(EchoService.class, new EchoServiceImpl()).build().start();
             Link link = Link.builder().name("bench-link").upstream("127.0.0.1", provider.port()).build().start()) {
            out.println(implementationsLine(provider));
            String floorAddress = "127.0.0.1:" + floor.port();
            int[][] defaults = mode.atConnections(ConsumerOptions.defaults().connectionsPerProvider());
            Map<String, BenchEntry> entries = new LinkedHashMap<>();
            add(entries, new BenchEntry("F", "floor", n -> new FloorClient("127.0.0.1", floor.port(), n),
                    mode.grid()));
            add(entries, new BenchEntry("A", "raw-netty", n -> new PipelinedHttpClient("127.0.0.1", bare.port(), n),
                    mode.grid()));
            add(entries, new BenchEntry("B", "grpc-java", n -> new GrpcStack(grpc.port(), n), mode.grid()));
            add(entries, new BenchEntry("C", "consumer-core->floor", n -> new ConsumerStack(floorAddress,
                    bestOptions(n)), mode.grid()));
            add(entries, new BenchEntry("C0", "consumer-core defaults->floor",
                    n -> new ConsumerStack(floorAddress, ConsumerOptions.defaults()), defaults));
            add(entries, new BenchEntry("CR", "consumer-core retries on->floor",
                    n -> new ConsumerStack(floorAddress, retryingDefaults()), defaults));
            add(entries, new BenchEntry("D", "floor->fake-provider", n -> new FloorClient("127.0.0.1",
                    provider.port(), n), mode.grid()));
            add(entries, new BenchEntry("E", "consumer-core+fake-provider",
                    n -> new ConsumerStack(provider.address(), bestOptions(n)), mode.grid()));
            // L right after E, so that the load of the machine's neighbours drifts as little as possible between them.
            add(entries, new BenchEntry("L", "consumer-core+link+fake-provider",
                    n -> new ConsumerStack(link.address(), bestOptions(n)), mode.grid()));
            add(entries, new BenchEntry("E0", "consumer-core defaults+fake-provider",
                    n -> new ConsumerStack(provider.address(), ConsumerOptions.defaults()), defaults));
            try {
                out.println("-- search: connections x calls in flight, closed loop, "
                        + mode.searchNanos() / 1_000_000 + " ms each after warm-up");
                for (BenchEntry e : entries.values()) {
                    search(e);
                }
                out.println("-- rounds: F A B C C0 CR D E L E0 (C0/E0: consumer core with its default options; CR: "
                        + "the same with retries on, no fault; L: E through a link without toxics), "
                        + mode.roundNanos() / 1_000_000 + " ms each");
                for (int r = 1; r <= mode.rounds(); r++) {
                    for (BenchEntry e : entries.values()) {
                        LoopDriver.Result res = driver.closed(e.stack, e.window, ms(300), mode.roundNanos());
                        e.rounds.add(res);
                        out.println("round " + r + " " + line(e, res));
                    }
                }
                OpenLoopPhase latency = new OpenLoopPhase(mode, driver, out);
                latency.run(entries);
                if (mode.fidelity()) {
                    latency.fidelity();
                }
                SpeedLines.summary(out, entries, mode.rounds());
                out.printf(Locale.ROOT, "load average at end %s; %.0f s in all%n", loadAverage(),
                        (System.nanoTime() - began) / 1e9);
                for (BenchEntry e : entries.values()) {
                    LoopDriver.Result o = e.open;
                    if (o.failures() > 0 || o.calls() == 0) {
                        out.printf(Locale.ROOT, "NOTE open loop %s: p99 over %d answered calls, %d failed%n",
                                e.label, o.calls(), o.failures());
                    }
                }
                // On a machine shared with other work, throughput swings with the neighbours; CPU per call does not.
                SpeedLines.costs(out, entries);
                SpeedLines.linkCost(out, entries.get("L"), entries.get("E"));
                SpeedLines.ratios(out, entries);
                SpeedLines.linkRatios(out, entries.get("L"), entries.get("E"));
            } finally {
                for (BenchEntry e : entries.values()) {
                    if (e.stack != null) {
                        e.stack.close();
                    }
                }
            }
        }
    }

    /** A collection before a latency phase, so the garbage of the phases before it does not pause this one. */
    static void collectGarbage() {
        System.gc();
    }

    private static void add(Map<String, BenchEntry> entries, BenchEntry e) {
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

    /**
     * The consumer's default options with a retry policy on the echo: idempotent, 3 attempts (retries on a lost
     * connection or a non-2xx answer, the default budget). Under no fault each call takes one attempt through the
     * policy call.
     */
    static ConsumerOptions retryingDefaults() {
        return ConsumerOptions.defaults().toBuilder().methodPolicy(EchoService.class, BenchPayload.METHOD,
                CallPolicy.builder().idempotent(true).maxAttempts(3).build()).build();
    }

    private void search(BenchEntry e) {
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

    private static String line(BenchEntry e, LoopDriver.Result r) {
        return String.format(Locale.ROOT, "%-2s %-38s %9.0f calls/s  alloc/call client %5.0f B server %5.0f B  "
                        + "cpu/call client %5.2f us server %5.2f us process %5.2f us%s",
                e.key, e.label, r.callsPerSecond(), r.clientBytesPerCall(), r.serverBytesPerCall(),
                r.clientCpuMicrosPerCall(), r.serverCpuMicrosPerCall(), r.processCpuMicrosPerCall(),
                r.failures() > 0 ? "  " + r.failures() + " failed" : "");
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
