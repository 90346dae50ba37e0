package com.example.inventory;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.ejectionAfterFreeze;
import static dev.rpcharness.loadtest.gatling.RpcDsl.latency;
import static dev.rpcharness.loadtest.gatling.RpcDsl.passes;
import static dev.rpcharness.loadtest.gatling.RpcDsl.rpc;
import static dev.rpcharness.loadtest.gatling.RpcDsl.rpcProtocol;
import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.gatling.RpcChecks;
import dev.rpcharness.loadtest.gatling.RpcSimulation;
import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.loadtest.run.LoadTarget;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Load and chaos for your service: three embedded providers of {@link InventoryService} (and an embedded
 * ZooKeeper) in this JVM, reservations at {@code rate} calls/s for {@code duration} seconds, provider p0 crashed
 * and restarted, provider p1 frozen for 3 s, and the SLOs as assertions that fail the build: under 2% failed calls,
 * p99 of the successful reservations under 100 ms, and p1 ejected by the client within 1.5 s of its freeze.
 *
 * <p>The client's outlier ejection (on by default, see {@link ConsumerOptions}) is what meets them: it takes the
 * frozen provider out of rotation once its calls time out in a row. The calls sent to it before that fail by
 * construction: a third of the rate times the call timeout (about 50), which is why the run lasts 20 s.
 *
 * <p>Change with -D: {@code duration} (s, 20), {@code rate} (calls/s, 300), {@code slo.failedPercent} (2),
 * {@code slo.p99Ms} (p99 of successful reservations, 100), {@code slo.ejectionMs} (freeze to ejection, 1500).
 */
public class InventorySimulation extends RpcSimulation {

    private static final Duration CALL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration FROZEN = Duration.ofSeconds(3);

    private final Duration duration = Duration.ofSeconds(Long.getLong("duration", 20));
    private final double rate = Double.parseDouble(System.getProperty("rate", "300"));
    private final double failedPercent = Double.parseDouble(System.getProperty("slo.failedPercent", "2"));
    private final long p99Ms = Long.getLong("slo.p99Ms", 100);
    private final long ejectionMs = Long.getLong("slo.ejectionMs", CALL_TIMEOUT.plusSeconds(1).toMillis());

    /** Started before the load and closed after it, by {@link RpcSimulation}. */
    private final LoadTarget target = target(LoadTarget.builder(InventorySimulation.class)
            .providers(3)
            .serve(InventoryService.class, InMemoryInventory::new)
            .warmUp(1_000, InventoryService.class, "stock", "warm-up")
            .clientOptions(ConsumerOptions.builder().callTimeout(CALL_TIMEOUT).build())
            .build());

    /** The SLO that Gatling's assertions cannot express: p99 of the successful reservations alone. */
    private final VerifyActionBuilder p99OfReservations =
            latency("reserve", Outcome.OK).percentile(99).lt(Duration.ofMillis(p99Ms));

    /** Failure-aware routing at work: the client ejects the frozen provider p1 soon after it stops answering. */
    private final VerifyActionBuilder frozenProviderEjected =
            ejectionAfterFreeze(1).within(Duration.ofMillis(ejectionMs));

    {
        setUp(
                scenario("reservations")
                        .exec(rpc("reserve").call(InventoryService.class, "reserve",
                                        session -> new Object[] {"sku-" + ThreadLocalRandom.current().nextInt(100), 1})
                                .check(RpcChecks.resultMatches(
                                        (args, id) -> String.valueOf(id).startsWith(args.get(0) + "/"),
                                        "a reservation of the requested sku")))
                        .injectOpen(constantUsersPerSec(rate).during(duration)),
                scenario("chaos")
                        .pause(at(0.2))
                        .exec(chaos().crash(0))
                        .pause(at(0.1))
                        .exec(chaos().restart(0))
                        .pause(at(0.2))
                        .exec(chaos().freeze(1))
                        .pause(FROZEN)
                        .exec(chaos().thaw(1))
                        // after the load's last calls have ended (their timeout included)
                        .pause(atLeastZero(at(0.5).minus(FROZEN)).plus(CALL_TIMEOUT).plusSeconds(1))
                        .exec(verify(p99OfReservations))
                        .exec(verify(frozenProviderEjected))
                        .injectOpen(atOnceUsers(1)))
                .protocols(rpcProtocol(target))
                .assertions(
                        global().failedRequests().percent().lt(failedPercent),
                        details("reserve").successfulRequests().count().gt(0L),
                        passes(p99OfReservations),
                        passes(frozenProviderEjected));
    }

    private Duration at(double fraction) {
        return Duration.ofMillis(Math.round(duration.toMillis() * fraction));
    }

    private static Duration atLeastZero(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
