package com.example.inventory;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
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
import dev.rpcharness.loadtest.gatling.VerifyActionBuilder;
import dev.rpcharness.loadtest.record.Outcome;
import dev.rpcharness.loadtest.run.LoadTarget;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Load and chaos for your service: three embedded providers of {@link InventoryService} (and an embedded
 * ZooKeeper) in this JVM, reservations at {@code rate} calls/s for {@code duration} seconds, provider p0 crashed
 * and restarted, provider p1 frozen for a while, and the SLOs as assertions that fail the build.
 *
 * <p>Change with -D: {@code duration} (s, 10), {@code rate} (calls/s, 300), {@code slo.failedPercent} (10),
 * {@code slo.p99Ms} (p99 of successful reservations, 500).
 */
public class InventorySimulation extends Simulation {

    private static final Duration CALL_TIMEOUT = Duration.ofMillis(500);

    private final Duration duration = Duration.ofSeconds(Long.getLong("duration", 10));
    private final double rate = Double.parseDouble(System.getProperty("rate", "300"));
    private final double failedPercent = Double.parseDouble(System.getProperty("slo.failedPercent", "10"));
    private final long p99Ms = Long.getLong("slo.p99Ms", 500);

    private final LoadTarget target = LoadTarget.builder(InventorySimulation.class)
            .providers(3)
            .serve(InventoryService.class, InMemoryInventory::new)
            .warmUp(1_000, InventoryService.class, "stock", "warm-up")
            .clientOptions(ConsumerOptions.builder().callTimeout(CALL_TIMEOUT).build())
            .build();

    /** The SLO that Gatling's assertions cannot express: p99 of the successful reservations alone. */
    private final VerifyActionBuilder p99OfReservations =
            latency("reserve", Outcome.OK).percentile(99).lt(Duration.ofMillis(p99Ms));

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
                        .pause(at(0.1))
                        .exec(chaos().thaw(1))
                        // after the load's last calls have ended (their timeout included)
                        .pause(at(0.4).plus(CALL_TIMEOUT).plusSeconds(1))
                        .exec(verify(p99OfReservations))
                        .injectOpen(atOnceUsers(1)))
                .protocols(rpcProtocol(target))
                .assertions(
                        global().failedRequests().percent().lt(failedPercent),
                        details("reserve").successfulRequests().count().gt(0L),
                        passes(p99OfReservations));
    }

    private Duration at(double fraction) {
        return Duration.ofMillis(Math.round(duration.toMillis() * fraction));
    }

    @Override
    public void before() {
        target.start();
    }

    @Override
    public void after() {
        target.close();
    }
}
