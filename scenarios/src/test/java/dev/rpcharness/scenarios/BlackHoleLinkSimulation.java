package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
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
import dev.rpcharness.run.TimelineAction;
import java.time.Duration;

/**
 * A black-holed link to one provider: from a third of the run to two thirds the link from the client to p1 stays
 * open but passes nothing either way (ZooKeeper still lists p1, which is healthy), then it heals. The client's
 * outlier ejection takes p1 out once its calls time out. A user's SLOs, at 300 calls/s with a 500 ms call timeout:
 * under 4% failed calls, only timeouts, p1 ejected within 1.5 s of the cut, p99 of the successful calls under
 * 250 ms, nothing pending. Tightened: 0% failed.
 */
public class BlackHoleLinkSimulation extends ResilienceSimulation {

    private static final Duration CALL_TIMEOUT_HERE = Duration.ofMillis(500);
    private static final int HOLE = 1;

    public BlackHoleLinkSimulation() {
        super(30, 300, b -> b.links(true).clientOptions(ConsumerOptions.builder().callTimeout(CALL_TIMEOUT_HERE)
                .providerWaitTimeout(Duration.ofSeconds(2)).build()));
        String p1 = TimelineAction.providerName(HOLE);
        VerifyActionBuilder ejected = TimelineGap.within(p1 + " ejected within 1500 ms of the cut",
                TimelineAction.LINK_CUT.label(), p1, TimelineAction.CLIENT_EJECTED.label(), p1,
                CALL_TIMEOUT_HERE.plusSeconds(1));
        // 250 ms: on the shared 2-core machine the successful calls' p99 swung from 6 to 183 ms between runs
        VerifyActionBuilder p99 = latency(ECHO, Outcome.OK).percentile(99).lt(Duration.ofMillis(250));
        VerifyActionBuilder nothingPending = noCallLeftPending();
        setUp(
                echoLoad(),
                scenario("chaos: black hole on the link to provider 1")
                        .pause(at(1.0 / 3))
                        .exec(chaos().cutClientFromProvider(HOLE))
                        .pause(at(1.0 / 3))
                        .exec(chaos().heal())
                        .pause(at(1.0 / 3).plus(CALL_TIMEOUT_HERE).plusSeconds(1)) // after the load, its last calls ended
                        .exec(verify(ejected))
                        .exec(verify(p99))
                        .exec(verify("black hole only causes timeouts", t -> onlyFailures(t, Outcome.TIMEOUT)))
                        .exec(verify(nothingPending))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        global().failedRequests().percent().lt(threshold(4.0, 0.0)),
                        passes(ejected),
                        passes(p99),
                        details("black hole only causes timeouts").failedRequests().count().is(0L),
                        passes(nothingPending));
    }
}
