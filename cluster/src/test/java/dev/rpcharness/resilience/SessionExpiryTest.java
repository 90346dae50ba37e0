package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.junit.Provider;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** ZooKeeper expires a provider's session on the server side, so its ephemeral node really disappears. */
@WithRpcCluster(providers = 2)
class SessionExpiryTest {

    @Test
    void expiredSessionTakesTheProviderOutOfTheRegistryUntilItRegistersAgain(
            RpcCluster cluster, EchoService echo, @Provider(0) FakeProvider kept, @Provider(1) FakeProvider expired) {
        ProviderCrashTest.warmUp(cluster, echo);
        List<List<String>> lists = new CopyOnWriteArrayList<>();
        try (ServiceDiscovery watcher = new ServiceDiscovery(cluster.connectString(), cluster.basePath())) {
            watcher.addListener(nodes -> lists.add(nodes.stream().map(ProviderNode::address).toList()));

            cluster.expireSession(1);

            await().atMost(Duration.ofSeconds(10)).until(() -> lists.stream()
                    .anyMatch(l -> l.contains(kept.address()) && !l.contains(expired.address())));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<String> latest = lists.get(lists.size() - 1);
                return latest.contains(kept.address()) && latest.contains(expired.address());
            });
        }
        for (int i = 0; i < 20; i++) {
            assertThat(echo.echo("during-" + i)).as("no call lost to the expiry").isEqualTo("during-" + i);
        }
        long before = expired.stats().received();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            assertThat(echo.echo("back")).isEqualTo("back");
            return expired.stats().received() > before;
        });
    }
}
