package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.time.Duration;

/**
 * 4. slow-provider: provider 0 of 3 answers with log-normal latency (median 20 ms, p99 500 ms); the call timeout
 * is 400 ms. Expected: the median stays low (under 50 ms), the tail shows the slow provider, and its slowest calls
 * time out: timeouts are visible (more than none) and are the only failures, under 5% of calls. Tightened: p50
 * under 0 ms.
 */
public class SlowProviderSimulation extends ResilienceSimulation {

    private static final Duration TIMEOUT = Duration.ofMillis(400);

    public SlowProviderSimulation() {
        super(30, 200, b -> b
                .faultPlan(0, FaultPlan.builder().seed(4)
                        .rule(FaultRule.forAll(Fault.latencyLogNormal(Duration.ofMillis(20), Duration.ofMillis(500)))
                                .always())
                        .build())
                .clientOptions(ConsumerOptions.builder().callTimeout(TIMEOUT).providerWaitTimeout(Duration.ofSeconds(2))
                        .build()));
        setUp(
                echoLoad(),
                scenario("verify: slow provider")
                        .pause(duration.plusSeconds(2))
                        .exec(verify("slow calls time out", t -> {
                            long timeouts = t.recorder().count("echo", Outcome.TIMEOUT);
                            return timeouts > 0 ? onlyFailures(t, Outcome.TIMEOUT) : "no call timed out";
                        }))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        details(ECHO).responseTime().percentile(50.0).lt(threshold(50, 0)),
                        details(ECHO).responseTime().max().lt(1500),
                        details(ECHO).failedRequests().percent().lt(5.0),
                        details("slow calls time out").failedRequests().count().is(0L));
    }
}
