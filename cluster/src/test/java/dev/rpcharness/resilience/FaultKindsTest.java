package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.junit.Async;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultKind;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault kind of the plan, injected on a provider, ends the call with the error docs/wire-contract.md promises, as fast
 * as it promises. One cluster for the class; each case sets the plan, makes one call, and clears the plan.
 */
// One connection: a wrong request id is the id of the previous call on the same connection, which must be the
// test's own healthy call (with the client's default of two, it may be no call at all: a protocol error).
@WithRpcCluster(providers = 1, callTimeoutMs = 1_500, connectionsPerProvider = 1,
        scope = WithRpcCluster.Scope.PER_CLASS)
class FaultKindsTest {

    /** As in the annotation. */
    static final long CALL_TIMEOUT_MS = 1_500;

    /** "null" expected means the call succeeds. */
    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(Fault.latencyFixed(Duration.ofMillis(30)), null, "30 ms late"),
                Arguments.of(Fault.latencyUniform(Duration.ofMillis(5), Duration.ofMillis(30)), null, "late"),
                Arguments.of(Fault.latencyLogNormal(Duration.ofMillis(10), Duration.ofMillis(40)), null, "late"),
                Arguments.of(Fault.error("java.lang.IllegalStateException", "boom"),
                        RemoteInvocationException.class, "as answered"),
                Arguments.of(Fault.httpStatus(503), RpcProtocolException.class, "at once"),
                // Without a call policy there is no retry to push back on: the status ends the call as above.
                Arguments.of(Fault.pushback(503, null), RpcProtocolException.class, "at once"),
                Arguments.of(Fault.reset(), ConnectionLostException.class, "at once"),
                Arguments.of(Fault.closeWithoutAnswer(), ConnectionLostException.class, "at once"),
                Arguments.of(Fault.hang(), RpcTimeoutException.class, "at the timeout"),
                Arguments.of(Fault.garbage(), RpcProtocolException.class, "at once"),
                Arguments.of(Fault.truncatedBody(), RpcProtocolException.class, "at once"),
                // The answer carries the id of the connection's previous call, which already ended: the client
                // drops it quietly (docs/wire-contract.md), so this call never gets its answer.
                Arguments.of(Fault.wrongRequestId(), RpcTimeoutException.class, "at the timeout"),
                Arguments.of(Fault.unknownRequestId(), RpcProtocolException.class, "at once"),
                Arguments.of(Fault.duplicateAnswer(), null, "first answer wins, the duplicate is dropped"),
                Arguments.of(Fault.slowDrip(Duration.ofMillis(5)), null, "slow but whole"),
                // Above the client's default limit of 16 MiB.
                Arguments.of(Fault.oversizedBody(17 * 1024 * 1024), RpcProtocolException.class, "at once"));
    }

    @AfterEach
    void clearPlan(RpcCluster cluster) {
        cluster.faultPlan(0, FaultPlan.none());
    }

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @MethodSource("faults")
    void everyFaultKindEndsTheCallWithThePromisedError(Fault fault, Class<? extends RpcException> expected,
            String when, RpcCluster cluster, EchoService echo, @Async(EchoService.class) AsyncObjectProxy async) {
        assertThat(echo.echo("healthy")).as("the provider is healthy before the fault").isEqualTo("healthy");
        cluster.faultPlan(0, FaultPlan.builder().seed(7).rule(FaultRule.forAll(fault).firstN(1)).build());

        long start = System.nanoTime();
        RpcFuture future = async.call("echo", "faulty");
        Throwable failure = Calls.outcome(future, Duration.ofSeconds(5));
        long tookMs = Calls.endedMillisAfter(future, start);

        if (expected == null) {
            assertThat(failure).as("%s: the call succeeds", fault).isNull();
        } else {
            assertThat(failure).as("%s", fault).isInstanceOf(expected);
            if (expected == RpcTimeoutException.class) {
                assertThat(tookMs).isGreaterThanOrEqualTo(CALL_TIMEOUT_MS - 50);
            } else {
                assertThat(tookMs).as("%s fails at once, not at the timeout", fault).isLessThan(CALL_TIMEOUT_MS / 2);
            }
        }
        if (expected == RemoteInvocationException.class) {
            assertThat(((RemoteInvocationException) failure).remoteType()).isEqualTo("java.lang.IllegalStateException");
        }
        assertThat(cluster.provider(0).stats().faults(fault.kind())).as("the provider injected it").isPositive();
        // The fault hit one call only: the next call is served normally (on a new connection if needed).
        cluster.faultPlan(0, FaultPlan.none());
        assertThat(echo.echo("after")).isEqualTo("after");
    }

    @Test
    void theCasesCoverEveryFaultKind() {
        Set<FaultKind> listed = faults().map(a -> ((Fault) a.get()[0]).kind()).collect(Collectors.toSet());
        assertThat(listed).containsExactlyInAnyOrder(FaultKind.values());
    }
}
