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

import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.loadtest.record.Outcome;
import java.time.Duration;

/**
 * The client partitioned from ZooKeeper: from a third of the run to two thirds the link from the client to
 * ZooKeeper passes nothing, longer than the client's 2 s session, while every provider stays reachable. The client
 * keeps the providers it knew. A user's SLOs: no failed call, at least 99% of the offered calls answered, p99 of
 * the successful calls under 100 ms, nothing pending. Tightened: ten times the offered calls answered.
 */
public class ClientZooKeeperPartitionSimulation extends ResilienceSimulation {

    private static final Duration SESSION = Duration.ofSeconds(2);

    /** The calls the open model offers: the rate times the run's seconds. */
    private double offered() {
        return rate * duration.toMillis() / 1000.0;
    }

    public ClientZooKeeperPartitionSimulation() {
        super(30, 200, b -> b.links(true).clientSessionTimeout(SESSION));
        VerifyActionBuilder p99 = latency(ECHO, Outcome.OK).percentile(99).lt(Duration.ofMillis(100));
        VerifyActionBuilder nothingPending = noCallLeftPending();
        setUp(
                echoLoad(),
                scenario("chaos: client cut from ZooKeeper")
                        .pause(at(1.0 / 3))
                        .exec(chaos().cutClientFromZooKeeper())
                        .pause(at(1.0 / 3))
                        .exec(chaos().heal())
                        .pause(at(1.0 / 3).plus(CALL_TIMEOUT).plusSeconds(1)) // after the load, its last calls ended
                        .exec(verify(p99))
                        .exec(verify(nothingPending))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        global().failedRequests().count().is(0L),
                        // every offered call answered (a rate over the whole simulation would count the chaos tail)
                        details(ECHO).successfulRequests().count().gte(Math.round(perInjector(offered() * threshold(0.99, 10.0)))),
                        passes(p99),
                        passes(nothingPending));
    }
}
