package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.loadtest.record.Outcome;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.CoreDsl;

/**
 * Entry points of the Java DSL for RPC load, in the style of Gatling's own DSLs:
 *
 * <pre>{@code
 * ScenarioBuilder load = scenario("echo load")
 *     .exec(rpc("echo").call(EchoService.class, "echo", session -> new Object[] {"hi"})
 *         .check(RpcChecks.resultIs("hi")));
 * setUp(load.injectOpen(constantUsersPerSec(200).during(30))).protocols(rpcProtocol(target));
 * }</pre>
 */
public final class RpcDsl {

    /** The name of the {@link #noCallLeftPending()} step, in Gatling's statistics. */
    public static final String NO_CALL_LEFT_PENDING = "no call left pending";

    private RpcDsl() {
    }

    /** An RPC step named {@code requestName} in Gatling's statistics. */
    public static RpcRequestBuilder rpc(String requestName) {
        return new RpcRequestBuilder(requestName);
    }

    /** A chaos step named {@code name}: {@code chaos("crash provider 2").crash(2)}. */
    public static ChaosStepBuilder chaos(String name) {
        if (name == null) {
            throw new IllegalArgumentException(
                    "chaos step name is null; use chaos() for a step named after its action");
        }
        return new ChaosStepBuilder(name);
    }

    /**
     * A chaos step named after its timeline action and subject, as docs/timeline.md lists them:
     * {@code chaos().crash(2)} is named {@code crash p2}.
     */
    public static ChaosStepBuilder chaos() {
        return new ChaosStepBuilder(null);
    }

    /**
     * A check on the run so far, logged as a Gatling group (not a request) named {@code name}: {@code check}
     * returns null when the expectation holds, else a message saying what was seen. See
     * {@link VerifyActionBuilder}.
     */
    public static VerifyActionBuilder verify(String name, java.util.function.Function<RpcTarget, String> check) {
        return new VerifyActionBuilder(name, check);
    }

    /** A ready-made verify step, such as a {@link #latency latency} assertion: {@code exec(verify(step))}. */
    public static VerifyActionBuilder verify(VerifyActionBuilder step) {
        return java.util.Objects.requireNonNull(step, "step");
    }

    /**
     * A check that no call of the target's client is still pending, for after the load (its last calls' timeout
     * included): the step {@code "no call left pending"}, failing with how many are. A call that never ends is a
     * bug in the consumer core that no Gatling statistic shows.
     */
    public static VerifyActionBuilder noCallLeftPending() {
        return new VerifyActionBuilder(NO_CALL_LEFT_PENDING, t -> {
            int pending = t.client().pendingCalls();
            return pending == 0 ? null : pending + " calls still pending after the load";
        });
    }

    /**
     * The latency histogram of {@code method}'s calls that ended with {@code outcome}, for an assertion:
     * {@code verify(latency("echo", Outcome.OK).percentile(99).lt(Duration.ofMillis(100)))}.
     */
    public static LatencyAssertion latency(String method, Outcome outcome) {
        return new LatencyAssertion(method, outcome, null);
    }

    /**
     * The client's ejections of the cluster's provider {@code index} after each freeze of it, on the run's timeline,
     * for an assertion that failure-aware routing took the frozen provider out of rotation in time:
     * {@code verify(ejectionAfterFreeze(2).within(Duration.ofMillis(1500)))}. See {@link EjectionAssertion}.
     */
    public static EjectionAssertion ejectionAfterFreeze(int index) {
        return new EjectionAssertion(index);
    }

    /**
     * The Gatling assertion that fails the run when a verify step failed (or never ran):
     * {@code .assertions(passes(sloStep))} is {@code details(step.name()).failedRequests().count().is(0L)}.
     */
    public static Assertion passes(VerifyActionBuilder step) {
        return CoreDsl.details(step.name()).failedRequests().count().is(0L);
    }

    /** The protocol that points every RPC and chaos step of the simulation at {@code target}. */
    public static RpcProtocolBuilder rpcProtocol(RpcTarget target) {
        return new RpcProtocolBuilder(target);
    }
}
