package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.record.Outcome;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 2. crash-one: provider 1 of 3 crashes (connections reset) at a third of the run and restarts at two thirds.
 * Expected: only the calls in flight on it fail, as "connection lost", at most 1% of all; after the restart it
 * receives traffic again. Tightened: no failed call allowed at all.
 */
public class CrashOneSimulation extends ResilienceSimulation {

    private final AtomicLong receivedBeforeRestart = new AtomicLong();

    public CrashOneSimulation() {
        super(30, 200, b -> b);
        setUp(
                echoLoad(),
                scenario("chaos: crash provider 1")
                        .pause(at(1.0 / 3))
                        .exec(chaos("crash provider 1").crash(1))
                        .pause(at(1.0 / 3))
                        .exec(chaos("note provider 1 calls").run(c ->
                                receivedBeforeRestart.set(c.provider(1).stats().received())))
                        .exec(chaos("restart provider 1").restart(1))
                        .pause(at(1.0 / 3).plus(CALL_TIMEOUT).plusSeconds(1))
                        .exec(verify("only in-flight calls failed", t -> onlyFailures(t, Outcome.CONNECTION_LOST)))
                        .exec(verify("restarted provider serves again", t -> {
                            long after = t.cluster().provider(1).stats().received() - receivedBeforeRestart.get();
                            return after > 0 ? null : "provider 1 received no call after its restart";
                        }))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        details(ECHO).failedRequests().percent().lt(threshold(1.0, 0.0)),
                        details("only in-flight calls failed").failedRequests().count().is(0L),
                        details("restarted provider serves again").failedRequests().count().is(0L));
    }
}
