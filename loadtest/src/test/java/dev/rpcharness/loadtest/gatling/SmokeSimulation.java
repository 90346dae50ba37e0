package dev.rpcharness.loadtest.gatling;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static dev.rpcharness.loadtest.gatling.RpcDsl.rpc;
import static dev.rpcharness.loadtest.gatling.RpcDsl.rpcProtocol;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.loadtest.run.LoadTarget;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.time.Duration;

/**
 * A short real run for {@link GatlingRunTest}: 2 providers, 3 s of open-model echo load, and a chaos scenario that
 * crashes provider 0 and restarts it. {@code smoke.minOkPercent} tightens the success assertion.
 */
public class SmokeSimulation extends RpcSimulation {

    private final LoadTarget target = target(LoadTarget.builder(SmokeSimulation.class)
            .providers(2)
            .serve(EchoService.class, EchoServiceImpl::new)
            .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(1)).build())
            .build());

    {
        double minOk = Double.parseDouble(System.getProperty("smoke.minOkPercent", "50"));
        setUp(
                scenario("echo").exec(rpc("echo").call(EchoService.class, "echo", s -> new Object[] {"u" + s.userId()})
                                .check(RpcChecks.result(v -> v instanceof String str && str.startsWith("u"), "u*")))
                        .injectOpen(constantUsersPerSec(50).during(Duration.ofSeconds(3))),
                scenario("chaos").pause(Duration.ofSeconds(1))
                        .exec(chaos("crash provider 0").crash(0))
                        .pause(Duration.ofMillis(500))
                        .exec(chaos("restart provider 0").restart(0))
                        .injectOpen(atOnceUsers(1)))
                .protocols(rpcProtocol(target))
                .assertions(global().successfulRequests().percent().gte(minOk),
                        details("echo").requestsPerSec().gt(10.0));
    }
}
