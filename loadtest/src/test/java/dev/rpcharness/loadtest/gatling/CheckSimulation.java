package dev.rpcharness.loadtest.gatling;

import static dev.rpcharness.loadtest.gatling.RpcDsl.rpc;
import static dev.rpcharness.loadtest.gatling.RpcDsl.rpcProtocol;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.loadtest.run.LoadTarget;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.time.Duration;

/**
 * A deterministic run for {@link CheckRunTest}: 2 users make 20 echo calls each ({@value #CALLS} in all), every
 * argument distinct; a check rejects the answers of odd turns, so exactly half the calls fail their check. Then a
 * verify step, a latency assertion on the successful calls and {@link RpcDsl#noCallLeftPending()} run (after the
 * load, with {@code andThen}). The assertions hold only when check failures are KO, checks see arguments and session, verify steps are not requests,
 * and the recorder counts what Gatling counts.
 */
public class CheckSimulation extends RpcSimulation {

    static final long CALLS = 40;

    /** p99 of the successful calls below 30 s, or below {@code check.sloMicros} µs (1 µs cannot hold). */
    private final VerifyActionBuilder slo = RpcDsl.latency("echo", Outcome.OK).percentile(99)
            .lt(Duration.ofNanos(Long.getLong("check.sloMicros", 30_000_000L) * 1_000L));

    /** Every call ended: the client has none pending once the load is over. */
    private final VerifyActionBuilder nothingPending = RpcDsl.noCallLeftPending();

    private final LoadTarget target = target(LoadTarget.builder(CheckSimulation.class)
            .providers(1)
            .serve(EchoService.class, EchoServiceImpl::new)
            .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(15)).build())
            .build());

    {
        setUp(
                scenario("echo").exec(repeat(20, "turn").on(
                                rpc("echo").call(EchoService.class, "echo",
                                                s -> new Object[] {s.getInt("turn") + "-" + s.userId()})
                                        .check(RpcChecks.resultMatches((args, v) -> v.equals(args.get(0)),
                                                        "the argument"),
                                                r -> r.session().getInt("turn") == turnOf(r.arg(0)) ? null
                                                        : "session and argument disagree",
                                                RpcChecks.result(v -> turnOf(v) % 2 == 0, "an even turn"))))
                        .injectOpen(atOnceUsers(2))
                        .andThen(scenario("after the load")
                                .exec(verify("every call recorded", t -> {
                                    long n = t.recorder().count("echo", Outcome.OK)
                                            + t.recorder().count("echo/check-failed");
                                    return n == CALLS ? null : n + " calls recorded, not " + CALLS;
                                }))
                                .exec(verify(slo))
                                .exec(verify(nothingPending))
                                .injectOpen(atOnceUsers(1))))
                .protocols(rpcProtocol(target))
                .assertions(
                        global().allRequests().count().is(CALLS),
                        details("echo").failedRequests().count().is(CALLS / 2),
                        details("every call recorded").failedRequests().count().is(0L),
                        RpcDsl.passes(slo),
                        RpcDsl.passes(nothingPending));
    }

    private static int turnOf(Object value) {
        String s = String.valueOf(value);
        return Integer.parseInt(s.substring(0, s.indexOf('-')));
    }
}
