package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.loadtest.gatling.RpcDsl;
import java.time.Duration;

/**
 * 5. registry-outage: ZooKeeper stops for 10 s under load, then comes back. Expected: zero errors, the consumer
 * keeps calling the providers it knows. Tightened: under 0 calls per second.
 */
public class RegistryOutageSimulation extends ResilienceSimulation {

    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("rpc.outageSeconds", 10));

    public RegistryOutageSimulation() {
        super(30, 200, b -> b);
        setUp(
                echoLoad(),
                scenario("chaos: ZooKeeper outage")
                        .pause(at(1.0 / 3))
                        .exec(chaos("stop ZooKeeper").stopZooKeeper())
                        .pause(OUTAGE)
                        .exec(chaos("restart ZooKeeper").restartZooKeeper())
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        global().failedRequests().count().is(0L),
                        details(ECHO).requestsPerSec().gt(perInjector(threshold(rate * 0.8, rate * 10))));
    }
}
