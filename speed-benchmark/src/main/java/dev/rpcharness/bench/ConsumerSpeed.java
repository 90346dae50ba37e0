package dev.rpcharness.bench;

import dev.rpcharness.consumer.ConsumerOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The consumer core's half of the speed benchmark, quick to repeat while working on the consumer: only the floor
 * (F, {@link FloorClient} and {@link FloorServer}) and the consumer core against the same floor server, with its
 * best options (C), with its default options (C0) and with them and a retry policy under no fault (CR),
 * alternately over several rounds, medians with allocation and CPU per call. Ends with COST lines (client CPU per
 * call against F's client) and three RATIO lines. {@code only=C0}
 * (or F, C) runs one stack for the whole time instead, for a profiler.
 * Prints figures; asserts nothing.
 *
 * <p>Run: {@code java -cp ... dev.rpcharness.bench.ConsumerSpeed [roundSeconds [rounds [window
 * [connections]]]]} or {@code ... ConsumerSpeed only=C0 seconds}.
 */
public final class ConsumerSpeed {

    private ConsumerSpeed() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        ThreadCost cost = new ThreadCost(List.of(FloorServer.THREADS));
        LoopDriver driver = new LoopDriver(cost);
        try (FloorServer floor = new FloorServer()) {
            String address = "127.0.0.1:" + floor.port();
            if (args.length > 0 && args[0].startsWith("only=")) {
                String key = args[0].substring(5);
                long seconds = args.length > 1 ? Long.parseLong(args[1]) : 20;
                int window = args.length > 2 ? Integer.parseInt(args[2]) : 128;
                try (BenchStack s = stack(key, address, floor.port(), 1)) {
                    LoopDriver.Result r = driver.closed(s, window, TimeUnit.SECONDS.toNanos(2),
                            TimeUnit.SECONDS.toNanos(seconds));
                    out.println(line(key, r));
                }
                return;
            }
            long roundNanos = TimeUnit.MILLISECONDS.toNanos(
                    (long) (1000 * (args.length > 0 ? Double.parseDouble(args[0]) : 2)));
            int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
            int window = args.length > 2 ? Integer.parseInt(args[2]) : 128;
            int connections = args.length > 3 ? Integer.parseInt(args[3]) : 1;
            Map<String, BenchStack> stacks = new LinkedHashMap<>();
            Map<String, List<LoopDriver.Result>> results = new LinkedHashMap<>();
            try {
                for (String key : List.of("F", "C", "C0", "CR")) {
                    stacks.put(key, stack(key, address, floor.port(), connections));
                    results.put(key, new ArrayList<>());
                    driver.closed(stacks.get(key), window, TimeUnit.MILLISECONDS.toNanos(1500), roundNanos / 2);
                }
                for (int r = 1; r <= rounds; r++) {
                    for (Map.Entry<String, BenchStack> e : stacks.entrySet()) {
                        LoopDriver.Result res = driver.closed(e.getValue(), window, TimeUnit.MILLISECONDS.toNanos(300),
                                roundNanos);
                        results.get(e.getKey()).add(res);
                        out.println("round " + r + " " + line(e.getKey(), res));
                    }
                }
            } finally {
                stacks.values().forEach(BenchStack::close);
            }
            out.printf(Locale.ROOT, "-- medians over %d rounds, %d connection(s) x %d in flight%n", rounds,
                    connections, window);
            double a = median(results.get("F"), LoopDriver.Result::callsPerSecond);
            for (Map.Entry<String, List<LoopDriver.Result>> e : results.entrySet()) {
                List<LoopDriver.Result> rs = e.getValue();
                out.printf(Locale.ROOT, "%-2s %9.0f calls/s  %.2f of F  alloc/call client %5.0f B  cpu/call client "
                                + "%5.2f us server %5.2f us process %5.2f us%n", e.getKey(),
                        median(rs, LoopDriver.Result::callsPerSecond),
                        median(rs, LoopDriver.Result::callsPerSecond) / a,
                        median(rs, LoopDriver.Result::clientBytesPerCall),
                        median(rs, LoopDriver.Result::clientCpuMicrosPerCall),
                        median(rs, LoopDriver.Result::serverCpuMicrosPerCall),
                        median(rs, LoopDriver.Result::processCpuMicrosPerCall));
            }
            double cpuF = median(results.get("F"), LoopDriver.Result::clientCpuMicrosPerCall);
            for (String k : List.of("C", "C0", "CR")) {
                out.printf(Locale.ROOT, "COST %s/F client cpu per call = %.2f%n", k,
                        median(results.get(k), LoopDriver.Result::clientCpuMicrosPerCall) / cpuF);
            }
            out.printf(Locale.ROOT, "RATIO consumer-core (best options)/floor throughput = %.2f%n",
                    median(results.get("C"), LoopDriver.Result::callsPerSecond) / a);
            out.printf(Locale.ROOT, "RATIO consumer-core (default options)/floor throughput = %.2f%n",
                    median(results.get("C0"), LoopDriver.Result::callsPerSecond) / a);
            out.printf(Locale.ROOT, "RATIO consumer-core (default options, retries on, no fault)/floor throughput = "
                    + "%.2f%n", median(results.get("CR"), LoopDriver.Result::callsPerSecond) / a);
        }
    }

    private static BenchStack stack(String key, String address, int port, int connections) {
        Supplier<BenchStack> s = switch (key) {
            case "F" -> () -> new FloorClient("127.0.0.1", port, connections);
            case "C" -> () -> new ConsumerStack(address, SpeedBenchmark.bestOptions(connections));
            case "C0" -> () -> new ConsumerStack(address, ConsumerOptions.defaults().toBuilder()
                    .connectionsPerProvider(connections).build());
            case "CR" -> () -> new ConsumerStack(address, SpeedBenchmark.retryingDefaults().toBuilder()
                    .connectionsPerProvider(connections).build());
            default -> throw new IllegalArgumentException("stack '" + key + "': expected F, C, C0 or CR");
        };
        return s.get();
    }

    private static String line(String key, LoopDriver.Result r) {
        return String.format(Locale.ROOT, "%-2s %9.0f calls/s  alloc/call client %5.0f B  cpu/call client %5.2f us "
                        + "server %5.2f us process %5.2f us%s", key, r.callsPerSecond(), r.clientBytesPerCall(),
                r.clientCpuMicrosPerCall(), r.serverCpuMicrosPerCall(), r.processCpuMicrosPerCall(),
                r.failures() > 0 ? "  " + r.failures() + " failed" : "");
    }

    private static double median(List<LoopDriver.Result> rs, java.util.function.ToDoubleFunction<LoopDriver.Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
