package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.loadtest.gatling.RpcDsl;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;

/**
 * 6. rolling-restart: every provider is stopped gracefully and restarted, one after another, under load.
 * Expected: under 1% failed calls, and every provider serves again at the end. Tightened: no failed call at all.
 */
public class RollingRestartSimulation extends ResilienceSimulation {

    public RollingRestartSimulation() {
        super(30, 200, b -> b);
        Duration step = at(0.8).dividedBy(3);
        Duration down = Duration.ofSeconds(1);
        ScenarioBuilder chaosSteps = scenario("chaos: rolling restart").pause(at(0.1));
        for (int i = 0; i < 3; i++) {
            chaosSteps = chaosSteps
                    .exec(chaos("stop provider " + i).stop(i))
                    .pause(down)
                    .exec(chaos("restart provider " + i).restart(i))
                    .pause(step.minus(down));
        }
        setUp(
                echoLoad(),
                chaosSteps
                        .pause(at(0.1).plus(CALL_TIMEOUT))
                        .exec(verify("every provider serves again", t -> {
                            var providers = t.cluster().providers();
                            for (int i = 0; i < providers.size(); i++) {
                                if (providers.get(i).openConnections() == 0) {
                                    return "provider " + i + " has no client connection after the restarts";
                                }
                            }
                            return null;
                        }))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        details(ECHO).failedRequests().percent().lt(threshold(1.0, 0.0)),
                        details("every provider serves again").failedRequests().count().is(0L));
    }
}
