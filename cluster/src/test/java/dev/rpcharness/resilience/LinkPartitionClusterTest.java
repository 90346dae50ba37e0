package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.check.CheckReport;
import dev.rpcharness.cluster.LinkCut;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.link.Link;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions built from the links of a cluster, Jepsen-style: ZooKeeper and the traffic disagree about who is
 * there. Session timeouts are short (1 s) so each cut outlasts a session in a test of a few seconds.
 */
class LinkPartitionClusterTest {

    private static final Duration SESSION = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void aClientCutFromZooKeeperPastItsSessionKeepsCallingItsProvidersAndSeesTheChangesAfterTheHeal()
            throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(2).links(true).clientSessionTimeout(SESSION)
                .serve(EchoService.class, () -> text -> text).build()) {
            ConsumerClient client = cluster.newClient();
            await().atMost(Duration.ofSeconds(15)).until(() -> client.connectedProviders().size() == 2);
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            cluster.links().cutClientFromZooKeeper();
            List<RpcFuture> calls = new ArrayList<>();
            FakeProvider joined;
            long until = System.nanoTime() + 3 * SESSION.toNanos(); // three sessions long
            joined = FakeProvider.builder().registry(cluster.connectString()).basePath(cluster.basePath())
                    .name("joined-meanwhile").serve(EchoService.class, text -> text).build().start();
            try {
                while (System.nanoTime() < until) {
                    calls.add(async.call("echo", "n" + calls.size()));
                    Thread.sleep(5); // the offered rate, not a synchronisation
                }
                assertThat(cluster.registeredProviders()).contains(joined.address());
                assertThat(client.connectedProviders()).as("the cut client does not see the new provider")
                        .doesNotContain(joined.address());
                for (RpcFuture f : calls) {
                    assertThat(Calls.outcome(f, Duration.ofSeconds(5))).as("call during the cut").isNull();
                }
                cluster.links().heal();
                await().atMost(Duration.ofSeconds(20)).until(() -> client.connectedProviders()
                        .contains(joined.address()));
                assertThat(cluster.timeline().events("link-heal")).extracting(e -> e.subject())
                        .containsExactly("client-zookeeper");
            } finally {
                joined.close();
            }
        }
    }

    @Test
    void aProviderCutFromZooKeeperPastItsSessionIsDelistedEndsItsCallsOnceAndServesAgainAfterTheHeal()
            throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(2).links(true).providerSessionTimeout(SESSION)
                .callHistory(dir).serve(EchoService.class, () -> text -> text)
                .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(2)).build()).build()) {
            ConsumerClient client = cluster.client();
            await().atMost(Duration.ofSeconds(15)).until(() -> client.connectedProviders().size() == 2);
            String p1 = cluster.links().clientToProvider("p1").address();
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> calls = new ArrayList<>();
            cluster.links().cutProviderFromZooKeeper("p1");
            long cutAt = System.nanoTime();
            long until = cutAt + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < until && cluster.registeredProviders().contains(p1)) {
                calls.add(async.call("echo", "n" + calls.size()));
                Thread.sleep(5); // the offered rate, not a synchronisation
            }
            assertThat(cluster.registeredProviders()).as("p1's session expired, its node is gone")
                    .doesNotContain(p1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.connectedProviders().contains(p1)
                    && cluster.timeline().events("client-delisted").stream().anyMatch(e -> e.subject().equals("p1")));
            List<RpcFuture> afterDelisting = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                afterDelisting.add(async.call("echo", "after " + i));
            }
            for (RpcFuture f : afterDelisting) {
                assertThat(Calls.outcome(f, Duration.ofSeconds(5))).isNull();
                assertThat(f.providerAddress()).as("no call is routed to the delisted provider").isNotEqualTo(p1);
            }
            cluster.links().heal();
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.registeredProviders().contains(p1)
                    && client.connectedProviders().contains(p1));
            await().atMost(Duration.ofSeconds(10)).until(() -> p1.equals(lastProvider(async)));
            await().atMost(Duration.ofSeconds(5)).until(() -> Calls.running(calls) == 0);
            List<CheckReport> reports = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(1));
            assertThat(reports).singleElement().satisfies(r -> {
                assertThat(r.violations()).as(r.describe()).isEmpty();
                assertThat(r.open()).isZero();
            });
        }
    }

    @Test
    void oneWayCutsLoseRequestsBeforeTheProviderOrAnswersAfterIt() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).links(true).serve(EchoService.class, () -> t -> t)
                .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofMillis(500))
                        .outlierConsecutiveFailures(0).build()).build()) {
            AsyncObjectProxy async = cluster.client().createAsync(EchoService.class);
            async.call("echo", "warm").get(5, TimeUnit.SECONDS);
            Link link = cluster.links().clientToProvider("p0");

            long ranBefore = cluster.provider(0).executedCalls().count();
            cluster.links().cut(link, LinkCut.REQUESTS_VANISH);
            List<RpcFuture> lost = calls(async, "request lost ", 5);
            for (RpcFuture f : lost) {
                assertThat(Calls.outcome(f, Duration.ofSeconds(5))).isInstanceOf(RpcTimeoutException.class);
            }
            assertThat(cluster.provider(0).executedCalls().count()).as("requests never reached p0")
                    .isEqualTo(ranBefore);
            cluster.links().heal();

            cluster.links().cut(link, LinkCut.ANSWERS_VANISH);
            long ranBeforeAnswersCut = cluster.provider(0).executedCalls().count();
            List<RpcFuture> unanswered = calls(async, "answer lost ", 5);
            for (RpcFuture f : unanswered) {
                assertThat(Calls.outcome(f, Duration.ofSeconds(5))).isInstanceOf(RpcTimeoutException.class);
            }
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    cluster.provider(0).executedCalls().count() >= ranBeforeAnswersCut + 5);
            cluster.links().heal();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> "healed".equals(async.call("echo", "healed").get(2, TimeUnit.SECONDS)));
            assertThat(cluster.timeline().events("link-cut")).hasSize(2);
        }
    }

    private static List<RpcFuture> calls(AsyncObjectProxy async, String prefix, int n) {
        List<RpcFuture> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(async.call("echo", prefix + i));
        }
        return calls;
    }

    /** The provider that answers the next call. */
    private static String lastProvider(AsyncObjectProxy async) throws Exception {
        RpcFuture f = async.call("echo", "which");
        f.get(2, TimeUnit.SECONDS);
        return f.providerAddress();
    }
}
