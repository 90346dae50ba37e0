package dev.rpcharness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.provider.demo.EchoService;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code @WithRpcCluster(links = true)}: the injected cluster's clients reach the providers and ZooKeeper through
 * links, a toxic on one link slows only that link, and the extension's leak and history checks pass after the
 * cluster (with its links' event loops) closes.
 */
@WithRpcCluster(providers = 2, links = true, callTimeoutMs = 2_000)
class WithRpcClusterLinksTest {

    @Test
    void theProxyCallsThroughTheLinksAndAToxicSlowsItsLinkOnly(RpcCluster cluster, EchoService echo) {
        assertThat(cluster.registeredProviders()).containsExactlyInAnyOrder(
                cluster.links().clientToProvider("p0").address(), cluster.links().clientToProvider("p1").address());
        assertThat(echo.echo("direct")).isEqualTo("direct");
        cluster.links().addToxic(cluster.links().clientToProvider("p0"),
                Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(60), Duration.ZERO));
        for (int i = 0; i < 6; i++) {
            assertThat(echo.echo("n" + i)).isEqualTo("n" + i);
        }
        assertThat(cluster.links().clientToProvider("p0").openConnections()).isPositive();
        assertThat(cluster.links().clientToZooKeeper().openConnections()).isPositive();
        assertThat(cluster.links().providerToZooKeeper("p1").openConnections()).isPositive();
        cluster.links().heal();
        assertThat(cluster.timeline().events("link-heal")).singleElement()
                .satisfies(e -> assertThat(e.subject()).isEqualTo("p0"));
    }
}
