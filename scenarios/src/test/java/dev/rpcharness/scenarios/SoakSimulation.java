package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.scenarios.soak.FlatnessCheck;
import dev.rpcharness.scenarios.soak.ResourceSample;
import dev.rpcharness.scenarios.soak.ResourceSampler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 9. soak: a moderate echo load for a long time (60 s by default, {@code -Drpc.soak.duration=SECONDS}), with mixed
 * faults on every provider (latency, remote errors, resets, hangs) and a chaos cycle (crash and restart, freeze and
 * thaw, session expiry) repeated through the run. Heap after GC, threads, open file descriptors and pending calls
 * are sampled every {@code rpc.soak.sampleSeconds} (2 by default) into {@code rpc-soak.csv} beside the run's other
 * files. Expected: every figure flat, the median of the last fifth of the samples within a tolerance of the first
 * fifth's (see {@link FlatnessCheck}); calls fail only in the ways the faults and chaos explain. Tightened: no growth
 * at all allowed.
 */
public class SoakSimulation extends ResilienceSimulation {

    private static final Logger log = LoggerFactory.getLogger(SoakSimulation.class);
    private static final long MIB = 1024 * 1024;

    private final ResourceSampler sampler;
    private final FlatnessCheck flat;

    public SoakSimulation() {
        super(Duration.ofSeconds(Long.getLong("rpc.soak.duration", 60)), 100, b -> b
                .faultPlan(0, mixedFaults())
                .faultPlan(1, mixedFaults())
                .faultPlan(2, mixedFaults()));
        sampler = new ResourceSampler(Duration.ofSeconds(Long.getLong("rpc.soak.sampleSeconds", 2)),
                () -> target.client().pendingCalls());
        flat = tighten ? new FlatnessCheck(1.0, 0, -1_000, -1_000, -1_000)
                : new FlatnessCheck(1.25, 32 * MIB, 15, 30, (int) Math.round(rate * CALL_TIMEOUT.toSeconds()));
        Duration cycle = Duration.ofSeconds(12);
        long cycles = Math.max(1, (duration.toSeconds() - 6) / cycle.toSeconds());
        setUp(
                echoLoad(),
                scenario("chaos: soak cycle")
                        .pause(Duration.ofSeconds(2))
                        .repeat((int) cycles).on(exec(
                                chaos("crash provider 1").crash(1)).pause(Duration.ofSeconds(2))
                                .exec(chaos("restart provider 1").restart(1)).pause(Duration.ofSeconds(2))
                                .exec(chaos("freeze provider 2").freeze(2)).pause(Duration.ofMillis(1_500))
                                .exec(chaos("thaw provider 2").thaw(2)).pause(Duration.ofSeconds(2))
                                .exec(chaos("expire provider 0's session").expireSession(0))
                                .pause(Duration.ofMillis(4_500)))
                        .pause(remaining(cycles, cycle))
                        .exec(verify("resources stay flat", t -> {
                            sampler.stop();
                            List<ResourceSample> samples = sampler.samples();
                            log.info("soak: {} samples over {} s; first {}; last {}", samples.size(),
                                    duration.toSeconds(), samples.isEmpty() ? "-" : samples.get(0),
                                    samples.isEmpty() ? "-" : samples.get(samples.size() - 1));
                            return flat.problems(samples);
                        }))
                        .exec(verify("failures explained by the faults", t -> onlyFailures(t,
                                Outcome.REMOTE_ERROR, Outcome.CONNECTION_LOST, Outcome.TIMEOUT,
                                Outcome.NO_PROVIDER)))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        details(ECHO).failedRequests().percent().lt(10.0),
                        details("resources stay flat").failedRequests().count().is(0L),
                        details("failures explained by the faults").failedRequests().count().is(0L));
    }

    /** Latency on some calls, remote errors, resets and hangs on few: the mix a flaky fleet shows. */
    private static FaultPlan mixedFaults() {
        return FaultPlan.of(
                FaultRule.forAll(Fault.latencyUniform(Duration.ofMillis(5), Duration.ofMillis(50))).probability(0.1),
                FaultRule.forAll(Fault.error("java.lang.IllegalStateException", "soak")).probability(0.01),
                FaultRule.forAll(Fault.reset()).probability(0.002),
                FaultRule.forAll(Fault.hang()).probability(0.002));
    }

    /** What is left of the run after the chaos cycles, so the checks run at its end. */
    private Duration remaining(long cycles, Duration cycle) {
        Duration used = Duration.ofSeconds(2).plus(cycle.multipliedBy(cycles));
        Duration left = duration.minus(used);
        return left.isNegative() ? Duration.ZERO : left;
    }

    @Override
    public void before() {
        super.before();
        sampler.start();
    }

    @Override
    public void after() {
        sampler.stop();
        super.after(); // moves the run's files next to Gatling's report
        Path csv = target.runDir().resolve("rpc-soak.csv");
        sampler.writeCsv(csv);
        List<ResourceSample> s = sampler.samples();
        if (!s.isEmpty()) {
            log.info("soak samples written to {}: first {}, last {}", csv, s.get(0), s.get(s.size() - 1));
        }
    }
}
