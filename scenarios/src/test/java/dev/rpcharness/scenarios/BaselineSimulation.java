package dev.rpcharness.scenarios;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;

import dev.rpcharness.loadtest.gatling.RpcDsl;

/**
 * 1. baseline: steady open-model load on 3 healthy providers. Expected: no error at all, p99 under 100 ms.
 * Tightened: p99 under 0 ms.
 */
public class BaselineSimulation extends ResilienceSimulation {

    public BaselineSimulation() {
        super(30, 200, b -> b);
        setUp(echoLoad())
                .protocols(RpcDsl.rpcProtocol(target))
                .assertions(
                        global().failedRequests().count().is(0L),
                        details(ECHO).responseTime().percentile(99.0).lt(threshold(100, 0)),
                        details(ECHO).requestsPerSec().gt(perInjector(rate * 0.8)));
    }
}
