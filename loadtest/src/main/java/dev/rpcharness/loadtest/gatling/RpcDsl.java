package dev.rpcharness.loadtest.gatling;

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

    private RpcDsl() {
    }

    /** An RPC step named {@code requestName} in Gatling's statistics. */
    public static RpcRequestBuilder rpc(String requestName) {
        return new RpcRequestBuilder(requestName);
    }

    /** A chaos step named {@code name}: {@code chaos("crash provider 2").crash(2)}. */
    public static ChaosStepBuilder chaos(String name) {
        return new ChaosStepBuilder(name);
    }

    /**
     * A check on the run so far, logged as a request named {@code name}: {@code check} returns null when the
     * expectation holds, else a message saying what was seen. See {@link VerifyActionBuilder}.
     */
    public static VerifyActionBuilder verify(String name, java.util.function.Function<RpcTarget, String> check) {
        return new VerifyActionBuilder(name, check);
    }

    /** The protocol that points every RPC and chaos step of the simulation at {@code target}. */
    public static RpcProtocolBuilder rpcProtocol(RpcTarget target) {
        return new RpcProtocolBuilder(target);
    }
}
