package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.ejectionAfterFreeze;
import static dev.rpcharness.loadtest.gatling.RpcDsl.latency;
import static dev.rpcharness.loadtest.gatling.RpcDsl.noCallLeftPending;
import static dev.rpcharness.loadtest.gatling.RpcDsl.passes;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.loadtest.record.Outcome;
import java.time.Duration;

/**
 * 3b. freeze with ejection: the user's natural SLOs through a freeze. Provider 2 freezes for 3 s at a third of the
 * run, at 300 calls/s with a 500 ms call timeout. Failure-aware routing ejects it once its calls time out in a row,
 * so new calls stop going to it while ZooKeeper still lists it (a frozen process keeps its session). Expected: under
 * 2% failed calls, p99 of the successful calls under 100 ms, p2 ejected within 1.5 s of its freeze (the call timeout
 * plus 1 s), only timeouts, nothing pending. Tightened: 0% failed, p99 under 0 ms.
 *
 * <p>The failures that remain come by construction: the calls routed to p2 between its freeze and the first
 * timeouts (a third of the rate times the call timeout, about 50 here) and the probe calls while it is on probation.
 */
public class FreezeEjectionSimulation extends ResilienceSimulation {

    private static final Duration CALL_TIMEOUT_HERE = Duration.ofMillis(500);
    private static final Duration FROZEN = Duration.ofSeconds(3);
    private static final int FROZEN_PROVIDER = 2;

    public FreezeEjectionSimulation() {
        super(30, 300, b -> b.clientOptions(ConsumerOptions.builder().callTimeout(CALL_TIMEOUT_HERE)
                .providerWaitTimeout(Duration.ofSeconds(2)).build()));
        VerifyActionBuilder p99Ok = latency(ECHO, Outcome.OK).percentile(99)
                .lt(Duration.ofMillis(threshold(100, 0)));
        VerifyActionBuilder ejected = ejectionAfterFreeze(FROZEN_PROVIDER).within(CALL_TIMEOUT_HERE.plusSeconds(1));
        VerifyActionBuilder nothingPending = noCallLeftPending();
        setUp(
                echoLoad(),
                scenario("chaos: freeze provider 2, ejected")
                        .pause(at(1.0 / 3))
                        .exec(chaos().freeze(FROZEN_PROVIDER))
                        .pause(FROZEN)
                        .exec(chaos().thaw(FROZEN_PROVIDER))
                        .pause(at(2.0 / 3).minus(FROZEN).plus(CALL_TIMEOUT_HERE).plusSeconds(1))
                        .exec(verify(p99Ok))
                        .exec(verify(ejected))
                        .exec(verify("frozen provider only causes timeouts", t -> onlyFailures(t, Outcome.TIMEOUT)))
                        .exec(verify(nothingPending))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        global().failedRequests().percent().lt(threshold(2.0, 0.0)),
                        passes(p99Ok),
                        passes(ejected),
                        details("frozen provider only causes timeouts").failedRequests().count().is(0L),
                        passes(nothingPending));
    }
}
