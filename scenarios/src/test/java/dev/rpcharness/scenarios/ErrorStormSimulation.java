package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 7. error-storm: provider 1 answers 20% of its calls with a remote error during the middle third of the run,
 * then recovers. Expected: the errors reach the caller as remote errors (and nothing else fails), about 20% of a
 * third of the middle third's calls (under 5% overall), and none after the recovery. Tightened: under 0% errors.
 */
public class ErrorStormSimulation extends ResilienceSimulation {

    private final AtomicLong errorsAtRecovery = new AtomicLong();

    public ErrorStormSimulation() {
        super(30, 200, b -> b);
        FaultPlan storm = FaultPlan.builder().seed(7)
                .rule(FaultRule.forAll(Fault.error("java.lang.IllegalStateException", "error storm")).probability(0.2))
                .build();
        setUp(
                echoLoad(),
                scenario("chaos: error storm on provider 1")
                        .pause(at(1.0 / 3))
                        .exec(chaos("error storm on provider 1").faultPlan(1, storm))
                        .pause(at(1.0 / 3))
                        .exec(chaos("provider 1 recovers").faultPlan(1, FaultPlan.none()))
                        .pause(CALL_TIMEOUT)
                        .exec(verify("storm errors reached the caller", t -> {
                            long errors = t.recorder().count("echo", Outcome.REMOTE_ERROR);
                            errorsAtRecovery.set(errors);
                            return errors > 0 ? onlyFailures(t, Outcome.REMOTE_ERROR) : "no remote error was seen";
                        }))
                        .pause(at(1.0 / 3))
                        .exec(verify("no error after recovery", t -> {
                            long later = t.recorder().count("echo", Outcome.REMOTE_ERROR) - errorsAtRecovery.get();
                            return later == 0 ? null : later + " remote errors after the recovery";
                        }))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        details(ECHO).failedRequests().percent().lt(threshold(5.0, 0.0)),
                        details("storm errors reached the caller").failedRequests().count().is(0L),
                        details("no error after recovery").failedRequests().count().is(0L));
    }
}
