package dev.rpcharness.link.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.link.Greeter;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.FakeProvider;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mirror in front of a real ZooKeeper (curator-test) and real fake providers registered under /rpc. */
class ProviderMirrorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long LATENCY_MS = 400;

    private final ObjectMapper mapper = RpcJson.newMapper();
    private TestingServer zk;
    private CuratorFramework reader;

    @BeforeEach
    void startZooKeeper() throws Exception {
        zk = new TestingServer(true);
        reader = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        reader.start();
    }

    @AfterEach
    void stopZooKeeper() throws Exception {
        reader.close();
        zk.close();
    }

    private MirrorOptions options() {
        return MirrorOptions.builder().zookeeper(zk.getConnectString()).mirrorBasePath("/mirror").apiPort(0)
                .ioThreads(1).build();
    }

    private FakeProvider provider(String name) {
        return FakeProvider.builder().name(name).registry(zk.getConnectString())
                .serve(Greeter.class, (Greeter) who -> name + " " + who).build().start();
    }

    @Test
    void consumerOnTheMirrorPathCallsRealProvidersThroughLinksThatTheApiFaults() throws Exception {
        try (FakeProvider p1 = provider("p1");
             FakeProvider p2 = provider("p2");
             ProviderMirror mirror = new ProviderMirror(options()).start();
             ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.getConnectString(), "/mirror"),
                     ConsumerOptions.builder().callTimeout(Duration.ofSeconds(10)).build())) {
            await().atMost(WAIT).until(() -> mirror.mirrored().size() == 2 && client.connectedProviders().size() == 2);
            Map<String, String> mirrored = mirror.mirrored();
            assertThat(mirrored).containsOnlyKeys(p1.address(), p2.address());
            assertThat(client.connectedProviders()).as("the consumer knows the links, not the providers")
                    .containsExactlyInAnyOrderElementsOf(mirrored.values())
                    .doesNotContain(p1.address(), p2.address());
            // The real registry is untouched: still the providers' own nodes only.
            assertThat(reader.getChildren().forPath("/rpc/providers"))
                    .containsExactlyInAnyOrder(p1.address(), p2.address());

            Greeter greeter = client.create(Greeter.class);
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(greeter.hello("x"));
            }
            assertThat(answers).contains("p1 x", "p2 x");
            long p1Calls = p1.stats().received();
            assertThat(p1Calls).isPositive();
            assertThat(mirror.linkOf(p1.address()).openConnections()).isPositive();

            // A Toxiproxy client adds latency to p1's link; only p1's answers slow down.
            new ToxiproxyClient("127.0.0.1", mirror.apiPort()).getProxy(ProviderMirror.linkName(p1.address()))
                    .toxics().latency("slow-p1", ToxicDirection.DOWNSTREAM, LATENCY_MS);
            List<Long> p1Millis = new ArrayList<>();
            List<Long> p2Millis = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                String answer = greeter.hello("y");
                long millis = (System.nanoTime() - t0) / 1_000_000;
                (answer.startsWith("p1") ? p1Millis : p2Millis).add(millis);
            }
            assertThat(p1Millis).as("calls answered by p1").isNotEmpty().allMatch(ms -> ms >= LATENCY_MS);
            assertThat(p2Millis).as("calls answered by p2").isNotEmpty();
            assertThat(p2Millis.stream().sorted().toList().get(p2Millis.size() / 2)).as("median of p2's calls")
                    .isLessThan(LATENCY_MS);

            // A real provider leaves: its mirror node and its link go; the consumer keeps calling the other.
            String p2Mirror = mirrored.get(p2.address());
            p2.close();
            await().atMost(WAIT).until(() -> reader.checkExists().forPath("/mirror/providers/" + p2Mirror) == null);
            assertThat(mirror.mirrored()).containsOnlyKeys(p1.address());
            assertThat(mirror.links().get(ProviderMirror.linkName(p2.address()))).isNull();
            await().atMost(WAIT).until(() -> client.connectedProviders().equals(List.of(mirrored.get(p1.address()))));
            assertThat(greeter.hello("z")).isEqualTo("p1 z");
        }
    }

    @Test
    void newChangedAndRemovedNodesAreMirroredWithTheLinksAddress() throws Exception {
        try (ProviderMirror mirror = new ProviderMirror(options()).start()) {
            ProviderNode real = new ProviderNode("127.0.0.1", 20_881, List.of("com.example.A"), 1);
            reader.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath("/rpc/providers/" + real.address(), real.toJson(mapper));
            await().atMost(WAIT).until(() -> mirror.mirrored().containsKey(real.address()));
            String mirrorAddress = mirror.mirrored().get(real.address());
            int linkPort = mirror.linkOf(real.address()).port();
            assertThat(mirrorAddress).isEqualTo("127.0.0.1:" + linkPort);
            assertThat(mirror.linkOf(real.address()).upstream().getPort()).isEqualTo(20_881);
            await().atMost(WAIT).until(() -> mirrorNode(mirrorAddress) != null);
            assertThat(mirrorNode(mirrorAddress)).isEqualTo(new ProviderNode("127.0.0.1", linkPort,
                    List.of("com.example.A"), 1));

            ProviderNode changed = new ProviderNode("127.0.0.1", 20_881, List.of("com.example.A", "com.example.B"), 3);
            reader.setData().forPath("/rpc/providers/" + real.address(), changed.toJson(mapper));
            ProviderNode expected = new ProviderNode("127.0.0.1", linkPort, changed.services(), 3);
            await().atMost(WAIT).until(() -> expected.equals(mirrorNode(mirrorAddress)));
            assertThat(mirror.linkOf(real.address()).port()).as("the same link").isEqualTo(linkPort);

            reader.delete().forPath("/rpc/providers/" + real.address());
            await().atMost(WAIT).until(() -> mirrorNode(mirrorAddress) == null);
            assertThat(mirror.mirrored()).isEmpty();
            assertThat(mirror.links().all()).isEmpty();
        }
    }

    @Test
    void closingTheMirrorDeletesItsNodesAndLeavesTheRealOnes() throws Exception {
        try (FakeProvider p1 = provider("p1")) {
            ProviderMirror mirror = new ProviderMirror(options()).start();
            await().atMost(WAIT).until(() -> childrenOf("/mirror/providers").size() == 1);
            mirror.close();
            assertThat(childrenOf("/mirror/providers")).isEmpty();
            assertThat(childrenOf("/rpc/providers")).containsExactly(p1.address());
            assertThat(mirror.links().all()).isEmpty();
        }
    }

    private List<String> childrenOf(String path) throws Exception {
        return reader.checkExists().forPath(path) == null ? List.of() : reader.getChildren().forPath(path);
    }

    private ProviderNode mirrorNode(String address) throws Exception {
        String path = "/mirror/providers/" + address;
        if (reader.checkExists().forPath(path) == null) {
            return null;
        }
        return ProviderNode.parse(path, reader.getData().forPath(path), mapper);
    }
}
