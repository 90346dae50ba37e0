package dev.rpcharness.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.ClusterSpec;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.junit.WithRpcClusterSpec;
import dev.rpcharness.provider.demo.EchoService;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The three ways to describe a cluster (RpcCluster's builder, LoadTarget's builder, {@code @WithRpcCluster}) are
 * one description with one set of defaults: left alone, each gives {@link ClusterSpec#defaults()}, whose client
 * options are the client's own defaults.
 */
class ClusterSpecAgreementTest {

    /** Carries a bare annotation; never run as a test. */
    @WithRpcCluster
    static final class Bare {
    }

    @Test
    void defaultBuildersAndABareAnnotationDescribeTheSameCluster() {
        ClusterSpec fromRpcCluster = RpcCluster.builder().spec();
        ClusterSpec fromLoadTarget = LoadTarget.builder("agreement", new Properties()).clusterSpec();
        ClusterSpec fromAnnotation = WithRpcClusterSpec.of(Bare.class.getAnnotation(WithRpcCluster.class));

        assertThat(fromRpcCluster).isEqualTo(ClusterSpec.defaults());
        assertThat(fromLoadTarget).isEqualTo(ClusterSpec.defaults());
        assertThat(fromAnnotation).isEqualTo(ClusterSpec.defaults());
        assertThat(ClusterSpec.defaults().clientOptions()).isEqualTo(ConsumerOptions.defaults());
    }

    @Test
    void theSharedDefaultsAreTheDocumentedOnes() {
        ClusterSpec spec = ClusterSpec.defaults();
        assertThat(spec.providers()).isEqualTo(1);
        assertThat(spec.zooKeeperEnsemble()).isEqualTo(1);
        assertThat(spec.basePath()).isEqualTo("/rpc");
        assertThat(spec.seed()).isZero();
        assertThat(spec.services()).containsOnlyKeys(EchoService.class);
        assertThat(spec.faultPlans()).isEmpty();
        assertThat(spec.externalZooKeeper()).isEmpty();
        assertThat(spec.callHistoryDir()).isEmpty();
        assertThat(spec.providerSessionTimeout()).isEmpty();
        assertThat(spec.clientOptions().connectionsPerProvider()).isEqualTo(2);
    }

    @Test
    void theLoadTargetsSystemPropertiesOverrideItsCluster() {
        Properties props = new Properties();
        props.setProperty("rpc.basePath", "/load/");
        props.setProperty("rpc.zookeeper", "127.0.0.1:2181");
        ClusterSpec spec = LoadTarget.builder("agreement", props).providers(3).seed(7).clusterSpec();

        assertThat(spec).isEqualTo(ClusterSpec.builder().providers(3).seed(7).basePath("/load")
                .externalZooKeeper("127.0.0.1:2181").build());
    }
}
