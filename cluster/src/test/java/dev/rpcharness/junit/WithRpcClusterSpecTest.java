package dev.rpcharness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.cluster.ClusterSpec;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@code @WithRpcCluster} maps onto a {@link ClusterSpec}: unset attributes keep the spec's defaults. */
class WithRpcClusterSpecTest {

    @WithRpcCluster
    static final class Bare {
    }

    @WithRpcCluster(providers = 3, zooKeeperEnsemble = 3, basePath = "/t", callTimeoutMs = 700,
            providerWaitTimeoutMs = 0, connectionsPerProvider = 1, providerSessionTimeoutMs = 1_500,
            services = EchoService.class, implementations = EchoServiceImpl.class)
    static final class Everything {
    }

    @WithRpcCluster(links = true, clientSessionTimeoutMs = 800)
    static final class Linked {
    }

    @WithRpcCluster(links = true, zooKeeperEnsemble = 3)
    static final class LinkedEnsemble {
    }

    @WithRpcCluster(callTimeoutMs = 0)
    static final class ZeroCallTimeout {
    }

    @WithRpcCluster(providerSessionTimeoutMs = 0)
    static final class ZeroSessionTimeout {
    }

    private static WithRpcCluster on(Class<?> k) {
        return k.getAnnotation(WithRpcCluster.class);
    }

    @Test
    void aBareAnnotationIsTheDefaultSpecWithTheClientsDefaultOptions() {
        ClusterSpec spec = WithRpcClusterSpec.of(on(Bare.class));
        assertThat(spec).isEqualTo(ClusterSpec.defaults());
        assertThat(spec.clientOptions()).isEqualTo(ConsumerOptions.defaults());
    }

    @Test
    void everyAttributeLandsInTheSpec() {
        ClusterSpec spec = WithRpcClusterSpec.of(on(Everything.class));
        assertThat(spec.providers()).isEqualTo(3);
        assertThat(spec.zooKeeperEnsemble()).isEqualTo(3);
        assertThat(spec.basePath()).isEqualTo("/t");
        assertThat(spec.clientOptions()).isEqualTo(ConsumerOptions.builder().callTimeout(Duration.ofMillis(700))
                .providerWaitTimeout(Duration.ZERO).connectionsPerProvider(1).build());
        assertThat(spec.providerSessionTimeout()).contains(Duration.ofMillis(1_500));
        assertThat(spec.services()).containsOnlyKeys(EchoService.class);
        assertThat(spec.services().get(EchoService.class).get()).isInstanceOf(EchoServiceImpl.class);
    }

    @Test
    void linksAndTheClientsSessionTimeoutLandInTheSpecAndLinksRefuseAnEnsemble() {
        ClusterSpec spec = WithRpcClusterSpec.of(on(Linked.class));
        assertThat(spec.links()).isTrue();
        assertThat(spec.clientSessionTimeout()).contains(Duration.ofMillis(800));
        assertThat(ClusterSpec.defaults().links()).isFalse();
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
        assertThatThrownBy(() -> WithRpcClusterSpec.of(on(LinkedEnsemble.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("links").hasMessageContaining("3 servers");
    }

    @Test
    void aBadAttributeIsAConfigurationErrorNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> WithRpcClusterSpec.of(on(ZeroCallTimeout.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@WithRpcCluster").hasMessageContaining("callTimeout")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> WithRpcClusterSpec.of(on(ZeroSessionTimeout.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("providerSessionTimeout").hasMessageContaining("PT0S");
    }
}
