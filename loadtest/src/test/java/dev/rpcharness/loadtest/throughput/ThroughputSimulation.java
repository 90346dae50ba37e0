package dev.rpcharness.loadtest.throughput;

import static dev.rpcharness.loadtest.gatling.RpcDsl.rpc;
import static dev.rpcharness.loadtest.gatling.RpcDsl.rpcProtocol;
import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.record.IntervalLog;
import dev.rpcharness.loadtest.run.LoadTarget;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throughput benchmark: an open-model echo load through the consumer core on 3 providers, raised by steps
 * ({@code rpc.bench.start}, {@code rpc.bench.step} calls/s, {@code rpc.bench.levels} levels of
 * {@code rpc.bench.levelSeconds} s). After the run it reads its HdrHistogram log back and prints, per second, the
 * calls that succeeded and their p99, and the highest rate sustained: the lowest rate of the best run of 3
 * consecutive clean seconds (no failed call, p99 under {@code rpc.bench.p99Millis}, 100 ms), also written to
 * {@code rpc-throughput.txt} in the run folder.
 * No assertion: this measures, it does not judge.
 */
public class ThroughputSimulation extends Simulation {

    private static final Logger log = LoggerFactory.getLogger(ThroughputSimulation.class);
    /** Consecutive clean seconds a rate must hold to count as sustained. */
    private static final int SUSTAINED_SECONDS = 3;

    private final LoadTarget target = LoadTarget.builder(ThroughputSimulation.class)
            .providers(3)
            .serve(EchoService.class, EchoServiceImpl::new)
            .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(2)).build())
            .warmUp(20_000, EchoService.class, "echo", "warm-up")
            .build();
    private final double p99LimitMicros = Long.getLong("rpc.bench.p99Millis", 100) * 1000.0;

    {
        double start = Double.parseDouble(System.getProperty("rpc.bench.start", "4000"));
        double step = Double.parseDouble(System.getProperty("rpc.bench.step", "4000"));
        int levels = Integer.getInteger("rpc.bench.levels", 8);
        long levelSeconds = Long.getLong("rpc.bench.levelSeconds", 4);
        setUp(scenario("echo throughput")
                .exec(rpc("echo").call(EchoService.class, "echo", "ping"))
                .injectOpen(incrementUsersPerSec(step).times(levels)
                        .eachLevelLasting(Duration.ofSeconds(levelSeconds))
                        .separatedByRampsLasting(Duration.ofSeconds(1))
                        .startingFrom(start)))
                .protocols(rpcProtocol(target));
    }

    @Override
    public void before() {
        target.start();
    }

    @Override
    public void after() {
        target.close();
        Path dir = target.runDir();
        Map<String, List<IntervalLog.Interval>> intervals = IntervalLog.read(dir.resolve("rpc-latency.hlog"));
        List<IntervalLog.Interval> ok = intervals.getOrDefault("echo/ok", List.of());
        StringBuilder report = new StringBuilder("per second (echo/ok, from each call's intended start):\n");
        double best = 0;
        int run = 0;
        double[] lastRates = new double[SUSTAINED_SECONDS];
        for (IntervalLog.Interval i : ok) {
            long failed = failuresIn(intervals, i);
            boolean clean = failed == 0 && i.histogram().getValueAtPercentile(99) <= p99LimitMicros;
            report.append("  ").append(i.line()).append(failed > 0 ? "  failed " + failed : "")
                    .append(clean ? "" : "  (not clean)").append('\n');
            run = clean ? run + 1 : 0;
            lastRates[run % SUSTAINED_SECONDS] = i.rate();
            if (run >= SUSTAINED_SECONDS) {
                best = Math.max(best, Arrays.stream(lastRates).min().orElse(0));
            }
        }
        report.append(String.format(Locale.ROOT,
                "highest rate sustained through the consumer core: %.0f calls/s (%d clean seconds in a row: no failure, "
                        + "p99 <= %.0f ms)%n", best, SUSTAINED_SECONDS, p99LimitMicros / 1000));
        log.info("throughput benchmark:\n{}", report);
        try {
            Files.writeString(dir.resolve("rpc-throughput.txt"), report.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot write rpc-throughput.txt to {}", dir, e);
        }
    }

    /** Failed echo calls in the interval that starts with {@code okInterval}. */
    private static long failuresIn(Map<String, List<IntervalLog.Interval>> intervals, IntervalLog.Interval okInterval) {
        long failed = 0;
        for (Map.Entry<String, List<IntervalLog.Interval>> e : intervals.entrySet()) {
            if (!e.getKey().startsWith("echo/") || e.getKey().equals("echo/ok")) {
                continue;
            }
            for (IntervalLog.Interval i : e.getValue()) {
                if (i.startMillis() < okInterval.endMillis() && i.endMillis() > okInterval.startMillis()) {
                    failed += i.count();
                }
            }
        }
        return failed;
    }
}
