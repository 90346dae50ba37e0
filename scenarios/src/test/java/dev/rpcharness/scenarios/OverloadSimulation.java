package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.loadtest.gatling.RpcDsl;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.provider.demo.EchoService;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * 8. overload: one provider with a fixed capacity (it serves one call at a time, {@code rpc.serviceMicros} each,
 * 2 ms by default: about 450 calls/s) is offered twice its capacity for a quarter of the run, then a quarter of
 * it for the rest. Expected: calls beyond capacity time out at the call timeout instead of piling up (max under
 * 2.5 s, nothing pending at the end), and the client recovers when the rate drops: no timeout in the last fifth
 * of the run. Tightened: max under 0 ms.
 */
public class OverloadSimulation extends ResilienceSimulation {

    private static final long SERVICE_NANOS = Long.getLong("rpc.serviceMicros", 2_000) * 1_000L;

    private final AtomicLong timeoutsAtMark = new AtomicLong();

    public OverloadSimulation() {
        super(30, 900, b -> b.providers(1).serve(EchoService.class, OneAtATimeEcho::new)
                .warmUp(500, EchoService.class, "echo", "warm-up"));
        Duration overload = at(0.25);
        setUp(
                scenario("echo load").exec(echo())
                        .injectOpen(
                                constantUsersPerSec(rate).during(overload),
                                constantUsersPerSec(rate / 4).during(duration.minus(overload))),
                scenario("verify: recovery")
                        .pause(at(0.8))
                        .exec(verify("mark", t -> {
                            timeoutsAtMark.set(t.recorder().count("echo", Outcome.TIMEOUT));
                            return null;
                        }))
                        .pause(at(0.2).plus(CALL_TIMEOUT).plusSeconds(1))
                        .exec(verify("overload shows as timeouts", t -> {
                            long timeouts = t.recorder().count("echo", Outcome.TIMEOUT);
                            return timeouts > 0 ? onlyFailures(t, Outcome.TIMEOUT) : "no call timed out: not overloaded";
                        }))
                        .exec(verify("recovered after the rate dropped", t -> {
                            long late = t.recorder().count("echo", Outcome.TIMEOUT) - timeoutsAtMark.get();
                            int pending = t.client().pendingCalls();
                            return late == 0 && pending == 0 ? null
                                    : late + " timeouts in the last fifth, " + pending + " calls pending";
                        }))
                        .injectOpen(atOnceUsers(1)))
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        details(ECHO).responseTime().max().lt(threshold(2500, 0)),
                        details("overload shows as timeouts").failedRequests().count().is(0L),
                        details("recovered after the rate dropped").failedRequests().count().is(0L));
    }

    /** An echo service with a fixed capacity: one call at a time, {@code SERVICE_NANOS} each. */
    public static final class OneAtATimeEcho implements EchoService {

        @Override
        public synchronized String echo(String text) {
            long end = System.nanoTime() + SERVICE_NANOS;
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            return text;
        }
    }
}
