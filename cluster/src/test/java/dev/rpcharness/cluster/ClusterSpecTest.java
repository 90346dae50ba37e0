package dev.rpcharness.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.FaultPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A cluster's one description: its checks name the option and the value, and it copies and compares whole. */
class ClusterSpecTest {

    @Test
    void badValuesAreRejectedWithTheOptionAndTheValue() {
        ClusterSpec.Builder b = ClusterSpec.builder();
        assertThatThrownBy(() -> b.providers(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("providers").hasMessageContaining("-1");
        assertThatThrownBy(() -> b.zooKeeperEnsemble(0)).hasMessageContaining("zooKeeperEnsemble")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> b.basePath("rpc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("basePath").hasMessageContaining("'rpc'");
        assertThatThrownBy(() -> b.serve(EchoServiceImpl.class, EchoServiceImpl::new))
                .hasMessageContaining("serve").hasMessageContaining(EchoServiceImpl.class.getName());
        assertThatThrownBy(() -> b.faultPlan(-2, FaultPlan.none())).hasMessageContaining("faultPlan")
                .hasMessageContaining("-2");
        assertThatThrownBy(() -> b.externalZooKeeper(" ")).hasMessageContaining("externalZooKeeper");
        assertThatThrownBy(() -> b.providerSessionTimeout(Duration.ZERO))
                .hasMessageContaining("providerSessionTimeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.clientOptions(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("clientOptions");
    }

    @Test
    void aFaultPlanForAProviderTheClusterLacksIsRejectedWhenBuilt() {
        ClusterSpec.Builder b = ClusterSpec.builder().providers(2).faultPlan(2, FaultPlan.none());
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider 2").hasMessageContaining("2 providers");
        assertThatThrownBy(() -> RpcCluster.builder().faultPlan(1, FaultPlan.none()).spec())
                .hasMessageContaining("provider 1");
    }

    @Test
    void toBuilderCopiesEverySetting() {
        Supplier<EchoService> echo = EchoServiceImpl::new;
        ClusterSpec spec = ClusterSpec.builder().providers(3).zooKeeperEnsemble(3).basePath("/x/")
                .serve(EchoService.class, echo).faultPlan(2, FaultPlan.none()).seed(9)
                .clientOptions(ConsumerOptions.builder().connectionsPerProvider(1).build())
                .externalZooKeeper("127.0.0.1:1").callHistory(Path.of("h"))
                .providerSessionTimeout(Duration.ofSeconds(1)).build();

        assertThat(spec.toBuilder().build()).isEqualTo(spec).hasSameHashCodeAs(spec).isNotEqualTo(ClusterSpec.defaults());
        assertThat(spec.basePath()).isEqualTo("/x");
        assertThat(spec.services().get(EchoService.class)).isSameAs(echo);
        assertThat(ClusterSpec.defaults().toBuilder().build()).isEqualTo(ClusterSpec.defaults());
        assertThat(ClusterSpec.defaults().toBuilder().seed(1).build()).isNotEqualTo(ClusterSpec.defaults());
    }

    @Test
    void aClusterRunsTheSpecItWasStartedFrom() {
        ClusterSpec spec = ClusterSpec.builder().providers(2).seed(5).build();
        try (RpcCluster cluster = RpcCluster.start(spec)) {
            assertThat(cluster.spec()).isSameAs(spec);
            assertThat(cluster.providers()).hasSize(2);
            assertThat(cluster.seed()).isEqualTo(5);
            assertThat(cluster.clientOptions()).isEqualTo(ConsumerOptions.defaults());
            assertThat(cluster.proxy(EchoService.class).echo("spec")).isEqualTo("spec");
        }
    }
}
