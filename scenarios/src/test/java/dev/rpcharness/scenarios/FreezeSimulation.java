package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.ejectionAfterFreeze;
import static dev.rpcharness.loadtest.gatling.RpcDsl.noCallLeftPending;
import static dev.rpcharness.loadtest.gatling.RpcDsl.passes;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.loadtest.record.Outcome;
import java.time.Duration;

/**
 * 3. freeze: provider 2 freezes for 5 s (sockets open, nothing answered, like a long GC pause) at a third of the
 * run. Expected: calls sent to it fail as timeouts at the call timeout (1 s), nothing takes much longer (max under
 * 2.5 s), no other failure class, no call left pending at the end, and the client ejects it within 2 s of the
 * freeze (the call timeout plus 1 s), so most of the 5 s see no new call sent to it. Tightened: max under 0 ms.
 * {@link FreezeEjectionSimulation} holds the same freeze to a user's SLOs.
 */
public class FreezeSimulation extends ResilienceSimulation {

    private static final Duration FROZEN = Duration.ofSeconds(5);

    public FreezeSimulation() {
        super(30, 200, b -> b);
        VerifyActionBuilder ejected = ejectionAfterFreeze(2).within(CALL_TIMEOUT.plusSeconds(1));
        VerifyActionBuilder nothingPending = noCallLeftPending();
        setUp(
                echoLoad(),
                scenario("chaos: freeze provider 2")
                        .pause(at(1.0 / 3))
                        .exec(chaos("freeze provider 2").freeze(2))
                        .pause(FROZEN)
                        .exec(chaos("thaw provider 2").thaw(2))
                        .pause(at(2.0 / 3).minus(FROZEN).plus(CALL_TIMEOUT).plusSeconds(1))
                        .exec(verify(ejected))
                        .exec(verify("frozen provider only causes timeouts", t -> onlyFailures(t, Outcome.TIMEOUT)))
                        .exec(verify(nothingPending))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        details(ECHO).responseTime().max().lt(threshold(2500, 0)),
                        details(ECHO).failedRequests().percent().lt(20.0),
                        details("frozen provider only causes timeouts").failedRequests().count().is(0L),
                        passes(nothingPending),
                        passes(ejected));
    }
}
