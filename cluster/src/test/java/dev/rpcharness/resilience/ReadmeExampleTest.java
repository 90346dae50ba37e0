package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import org.junit.jupiter.api.Test;

/** The README's example of {@code @WithRpcCluster}, kept compiling and passing. */
@WithRpcCluster(providers = 1, callTimeoutMs = 500,
        services = EchoService.class, implementations = EchoServiceImpl.class)
class ReadmeExampleTest {

    @Test
    void myClientSurvivesAPauseAndAnError(RpcCluster cluster, EchoService echo) {
        assertThat(echo.echo("hi")).isEqualTo("hi");
        cluster.freeze(0);                      // stops answering, sockets stay open (a GC pause)
        assertThatThrownBy(() -> echo.echo("x")).isInstanceOf(RpcTimeoutException.class);
        cluster.thaw(0);                        // the held call is answered now, too late for its caller
        assertThat(echo.echo("thawed")).isEqualTo("thawed");
        cluster.faultPlan(0, FaultPlan.of(FaultRule.forAll(Fault.error("java.io.IOException", "disk")).firstN(1)));
        assertThatThrownBy(() -> echo.echo("x")).isInstanceOf(RemoteInvocationException.class);
        assertThat(echo.echo("back")).isEqualTo("back");
    }
}
