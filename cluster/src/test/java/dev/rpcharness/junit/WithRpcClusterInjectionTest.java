package dev.rpcharness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.ProviderState;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.run.Timeline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a user writes: the annotation, and parameters of the types they need. */
@WithRpcCluster(providers = 2, services = {EchoService.class, WithRpcClusterInjectionTest.Calculator.class},
        implementations = {EchoServiceImpl.class, WithRpcClusterInjectionTest.CalculatorImpl.class},
        callTimeoutMs = 1_000, connectionsPerProvider = 2)
class WithRpcClusterInjectionTest {

    /** A user's service. */
    public interface Calculator {
        int add(int a, int b);
    }

    /** Its implementation, constructed once per provider by the extension. */
    public static final class CalculatorImpl implements Calculator {
        @Override
        public int add(int a, int b) {
            return a + b;
        }
    }

    private RpcCluster fromBeforeEach;

    @BeforeEach
    void setUp(RpcCluster cluster) {
        this.fromBeforeEach = cluster;
    }

    @Test
    void injectsTheClusterItsClientProvidersAndProxies(RpcCluster cluster, ConsumerClient client,
            @Provider(1) FakeProvider second, FakeProvider first, EchoService echo, Calculator calculator,
            Timeline timeline) {
        assertThat(cluster).isSameAs(fromBeforeEach);
        assertThat(client).isSameAs(cluster.client());
        assertThat(first).isSameAs(cluster.provider(0));
        assertThat(second).isSameAs(cluster.provider(1)).matches(p -> p.state() == ProviderState.RUNNING);
        assertThat(timeline).isSameAs(cluster.timeline());
        assertThat(client.options().callTimeout()).isEqualTo(Duration.ofMillis(1_000));
        assertThat(client.options().connectionsPerProvider()).isEqualTo(2);

        assertThat(echo.echo("hi")).isEqualTo("hi");
        assertThat(calculator.add(2, 3)).isEqualTo(5);
    }

    @Test
    void injectsAsyncProxies(@Async(Calculator.class) AsyncObjectProxy calculator) throws Exception {
        assertThat(calculator.call("add", 20, 22).get(5, TimeUnit.SECONDS)).isEqualTo(42);
    }

    @Test
    @WithRpcCluster(providers = 3)
    void aMethodAnnotationOverridesTheClassOne(RpcCluster cluster, EchoService echo) {
        assertThat(cluster.providers()).hasSize(3);
        assertThat(cluster.services()).containsExactly(EchoService.class);
        assertThat(echo.echo("x")).isEqualTo("x");
    }
}
