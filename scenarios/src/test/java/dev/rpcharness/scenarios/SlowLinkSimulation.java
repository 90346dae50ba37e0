package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.latency;
import static dev.rpcharness.loadtest.gatling.RpcDsl.noCallLeftPending;
import static dev.rpcharness.loadtest.gatling.RpcDsl.passes;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.loadtest.record.Outcome;
import java.time.Duration;

/**
 * A slow, narrow link to one provider: from a third of the run to two thirds, the link from the client to p1 adds
 * 80 ms (+- 20 ms) to every answer and passes at most 64 KB/s per connection; then it heals. The other providers
 * are untouched. A user's SLOs: no failed call (the 1 s call timeout is far above the slow link's latency), the
 * median stays under 20 ms (two calls in three do not cross the slow link), p99 of the successful calls under
 * 400 ms, nothing pending. Tightened: p99 under 0 ms.
 */
public class SlowLinkSimulation extends ResilienceSimulation {

    private static final int SLOW = 1;

    public SlowLinkSimulation() {
        super(30, 200, b -> b.links(true));
        VerifyActionBuilder p50 = latency(ECHO, Outcome.OK).percentile(50).lt(Duration.ofMillis(20));
        VerifyActionBuilder p99 = latency(ECHO, Outcome.OK).percentile(99)
                .lt(Duration.ofMillis(threshold(400, 0)));
        VerifyActionBuilder nothingPending = noCallLeftPending();
        setUp(
                echoLoad(),
                scenario("chaos: slow narrow link to provider 1")
                        .pause(at(1.0 / 3))
                        .exec(chaos().addToxic(SLOW, Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(80),
                                Duration.ofMillis(20))))
                        .exec(chaos().addToxic(SLOW, Toxic.bandwidth(LinkDirection.DOWNSTREAM, 64)))
                        .pause(at(1.0 / 3))
                        .exec(chaos().heal())
                        .pause(at(1.0 / 3).plus(CALL_TIMEOUT).plusSeconds(1)) // after the load, its last calls ended
                        .exec(verify(p50))
                        .exec(verify(p99))
                        .exec(verify(nothingPending))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        global().failedRequests().count().is(0L),
                        passes(p50),
                        passes(p99),
                        passes(nothingPending));
    }
}
