package dev.rpcharness.loadtest.throughput;

import static dev.rpcharness.loadtest.gatling.RpcDsl.rpc;
import static dev.rpcharness.loadtest.gatling.RpcDsl.rpcProtocol;
import static io.gatling.javaapi.core.CoreDsl.exec;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.gatling.RpcSimulation;
import dev.rpcharness.loadtest.run.LoadTarget;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throughput benchmark: an open-model echo load through the consumer core on 3 embedded providers, raised
 * level by level ({@link BenchRamp}: {@code rpc.bench.start}, {@code rpc.bench.step} calls/s, at most
 * {@code rpc.bench.levels} levels of {@code rpc.bench.levelSeconds} s and {@code rpc.bench.calls} calls) until a
 * level is not clean (a failed call, p99 over {@code rpc.bench.p99Millis}, 100 ms, or the injector fell behind the
 * rate); the last clean level is the highest rate sustained, printed with the process CPU per second it used, or
 * "at least" the ramp's top when every level was clean. When {@link HttpReferenceSimulation} ran just before in the
 * same build, its limit (Gatling's own HTTP, same ramp, same rule) is printed beside it with their ratio. The
 * report is logged and written to {@code rpc-throughput.txt} in the run folder. With {@code -Drpc.bench.jfr=true}
 * the load is recorded with JFR ({@link BenchProfile}) and the report ends with the profile's top frames and the
 * RPC action's share of the samples. No assertion: this measures, it does not judge.
 */
public class ThroughputSimulation extends RpcSimulation {

    private static final Logger log = LoggerFactory.getLogger(ThroughputSimulation.class);
    /** The Gatling action that makes the calls, whose share of the samples the profile states. */
    private static final String RPC_ACTION = "dev.rpcharness.loadtest.gatling.RpcCallAction";
    private static final int TOP_FRAMES = 15;

    private final LoadTarget target = target(LoadTarget.builder(ThroughputSimulation.class)
            .providers(3)
            .serve(EchoService.class, EchoServiceImpl::new)
            .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(2)).build())
            .warmUp(20_000, EchoService.class, "echo", "warm-up")
            .build());
    private final BenchRamp ramp = BenchRamp.from(System.getProperties());
    private final BenchLine line = new BenchLine("consumer core", ramp, BenchLine.p99LimitMicros());
    private BenchProfile profile;

    {
        setUp(line.population(exec(rpc("echo").call(EchoService.class, "echo", "ping"))))
                .protocols(rpcProtocol(target));
    }

    /** Starts the target, then the profile when {@code rpc.bench.jfr=true}, so it records the load only. */
    @Override
    public void before() {
        super.before();
        profile = BenchProfile.forLine("core", List.of(RPC_ACTION, "dev.rpcharness.loadtest.",
                "dev.rpcharness.consumer.", "io.gatling.", "io.netty."));
    }

    @Override
    public void after() {
        String profiled = finishProfile(profile);
        super.after();
        LineResult core = line.finish();
        StringBuilder report = new StringBuilder(line.report());
        report.append("highest rate sustained through the consumer core: ").append(core.describe(ramp.start()))
                .append('\n');
        Optional<LineResult> reference = readReference();
        if (reference.isPresent()) {
            report.append("Gatling's own HTTP on this machine (reference, same ramp and rule): ")
                    .append(reference.get().describe(ramp.start())).append('\n')
                    .append("consumer core / Gatling HTTP: ").append(core.ratioTo(reference.get(), ramp.start())).append('\n');
        } else {
            report.append("Gatling's own HTTP (reference): not run in this build (mvn verify -Pload runs it)\n");
        }
        report.append(profiled);
        log.info("throughput benchmark:\n{}", report);
        Path dir = target.runDir();
        try {
            Files.writeString(dir.resolve("rpc-throughput.txt"), report.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot write rpc-throughput.txt to {}", dir, e);
        }
    }

    /** The profile's summary for the report, or an empty string when it was off; a failure is logged, not thrown. */
    static String finishProfile(BenchProfile profile) {
        if (profile == null) {
            return "";
        }
        try (profile) {
            return profile.finish().map(s -> s.describe(TOP_FRAMES)).orElse("");
        } catch (IOException e) {
            log.warn("cannot write or read the profile {}", profile.file(), e);
            return "profile: not written (" + e.getMessage() + ")\n";
        }
    }

    private static Optional<LineResult> readReference() {
        try {
            return ReferenceFile.read(ReferenceFile.resultsDir(), ReferenceFile.runId());
        } catch (IOException e) {
            log.warn("cannot read the reference line's result", e);
            return Optional.empty();
        }
    }
}
