package dev.rpcharness.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.registration.ProviderEndpoint;
import dev.rpcharness.provider.registration.ProviderRegistryException;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.TestZooKeeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registration in a real ZooKeeper: node path and data, updates, stop, crash, restart, session expiry. */
class ProviderRegistryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestZooKeeper zk;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zk = new TestZooKeeper();
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        zk.close();
    }

    private static FakeProvider.Builder provider(String basePath) {
        return FakeProvider.builder().registry(zk.connectString()).basePath(basePath)
                .sessionTimeout(Duration.ofMillis(1_500)).serve(CatalogService.class, new CatalogServiceImpl());
    }

    private static Stat stat(FakeProvider p, String basePath) throws Exception {
        return zk.client().checkExists().forPath(WireContract.providerNodePath(basePath, p.host(), p.port()));
    }

    private static ProviderNode node(FakeProvider p, String basePath) throws Exception {
        String path = WireContract.providerNodePath(basePath, p.host(), p.port());
        return ProviderNode.parse(path, zk.client().getData().forPath(path), RpcJson.newMapper());
    }

    @Test
    void anEndpointGivenWholeDecidesWhereTheProviderListensAndRegisters() throws Exception {
        ProviderEndpoint endpoint = ProviderEndpoint.builder().registry(zk.connectString()).basePath("/whole")
                .name("whole-1").sessionTimeout(Duration.ofMillis(1_500)).build();
        try (FakeProvider p = FakeProvider.builder().endpoint(endpoint)
                .serve(CatalogService.class, new CatalogServiceImpl()).build().start()) {
            assertThat(p.name()).isEqualTo("whole-1");
            assertThat(node(p, "/whole").port()).isEqualTo(p.port());
        }
        ProviderEndpoint unreachable = endpoint.toBuilder().registry("127.0.0.1:1")
                .registryConnectTimeout(Duration.ofMillis(300)).build();
        FakeProvider p = FakeProvider.builder().endpoint(unreachable).build();
        assertThatThrownBy(p::start).isInstanceOf(ProviderRegistryException.class)
                .hasMessageContaining("127.0.0.1:1").hasMessageContaining("within 300 ms");
    }

    @Test
    void registersAnEphemeralNodeWithTheProtocolJson() throws Exception {
        try (FakeProvider p = provider("/reg1").weight(3).build().start()) {
            String path = "/reg1/providers/127.0.0.1:" + p.port();
            String data = new String(zk.client().getData().forPath(path), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(data).isEqualTo("{\"host\":\"127.0.0.1\",\"port\":" + p.port() + ",\"services\":[\""
                    + CatalogService.class.getName() + "\"],\"weight\":3}");
            assertThat(stat(p, "/reg1").getEphemeralOwner()).isNotZero();
        }
    }

    @Test
    void servingAnotherInterfaceWhileRunningUpdatesTheNode() throws Exception {
        try (FakeProvider p = provider("/reg2").build().start()) {
            p.serve(EchoService.class, new EchoServiceImpl());
            assertThat(node(p, "/reg2").services())
                    .containsExactly(CatalogService.class.getName(), EchoService.class.getName());
        }
    }

    @Test
    void stopAndCloseDeleteTheNodeAtOnce() throws Exception {
        try (FakeProvider p = provider("/reg3").build().start()) {
            p.stop();
            assertThat(stat(p, "/reg3")).isNull();
            p.restart();
            assertThat(stat(p, "/reg3")).isNotNull();
            p.close();
            assertThat(stat(p, "/reg3")).isNull();
        }
    }

    @Test
    void crashLeavesTheNodeUntilTheSessionExpires() throws Exception {
        try (FakeProvider p = provider("/reg4").build().start()) {
            p.crash();
            assertThat(stat(p, "/reg4")).as("node right after the crash").isNotNull();
            await().atMost(WAIT).until(() -> stat(p, "/reg4") == null);
        }
    }

    @Test
    void restartAfterCrashClaimsTheNodeOnANewSessionThatOutlivesTheOldOne() throws Exception {
        try (FakeProvider p = provider("/reg5").build().start()) {
            long oldOwner = stat(p, "/reg5").getEphemeralOwner();
            p.crash();
            p.restart();
            long newOwner = stat(p, "/reg5").getEphemeralOwner();
            assertThat(newOwner).isNotEqualTo(oldOwner).isNotZero();
            // The crashed session expires within its 1.5 s timeout; the new node must survive that.
            await().during(Duration.ofMillis(3_000)).atMost(Duration.ofSeconds(5))
                    .until(() -> stat(p, "/reg5") != null && stat(p, "/reg5").getEphemeralOwner() == newOwner);
        }
    }

    @Test
    void expireSessionDeletesTheNodeOnTheServerAndTheProviderRegistersAgain() throws Exception {
        List<String> actions = new CopyOnWriteArrayList<>();
        try (FakeProvider p = provider("/reg6").build()) {
            p.addListener(e -> actions.add(e.action()));
            p.start();
            String path = WireContract.providerNodePath("/reg6", p.host(), p.port());
            long oldOwner = stat(p, "/reg6").getEphemeralOwner();
            CountDownLatch deleted = new CountDownLatch(1);
            zk.client().checkExists().usingWatcher((Watcher) e -> {
                if (e.getType() == Watcher.Event.EventType.NodeDeleted) {
                    deleted.countDown();
                }
            }).forPath(path);

            p.expireSession();

            assertThat(deleted.await(5, TimeUnit.SECONDS)).as("node deleted by the server").isTrue();
            await().atMost(WAIT).until(() -> {
                Stat s = stat(p, "/reg6");
                return s != null && s.getEphemeralOwner() != oldOwner;
            });
            assertThat(node(p, "/reg6").port()).isEqualTo(p.port());
            await().atMost(WAIT).until(() -> actions.contains("reregister"));
            assertThat(actions).containsSubsequence("start", "expireSession");
        }
    }

    @Test
    void closeAfterChaosLeavesNoThreadOfTheProviderBehind() throws Exception {
        String name = "threadcheck";
        try (FakeProvider p = provider("/reg7").name(name).build().start()) {
            try (dev.rpcharness.provider.testing.WireClient w =
                         new dev.rpcharness.provider.testing.WireClient(p.host(), p.port())) {
                w.send("1", dev.rpcharness.provider.testing.WireClient.callBody("1", CatalogService.class.getName(),
                        "hello", "[\"java.lang.String\"]", "[\"t\"]"));
                assertThat(w.read(WAIT).status()).isEqualTo(200);
            }
            p.crash();
            p.restart();
            p.expireSession();
            p.freeze();
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith(name));
    }

    @Test
    void unreachableZooKeeperFailsStartNamingItAndReleasesThePort() {
        FakeProvider p = FakeProvider.builder().registry("127.0.0.1:1").sessionTimeout(Duration.ofSeconds(1))
                .registryConnectTimeout(Duration.ofMillis(500))
                .serve(EchoService.class, new EchoServiceImpl()).build();
        assertThatThrownBy(p::start).isInstanceOf(ProviderRegistryException.class)
                .hasMessageContaining("127.0.0.1:1");
        assertThat(p.state()).isEqualTo(ProviderState.CLOSED);
        p.close();
    }
}
