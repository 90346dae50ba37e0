package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.testing.Registrar;
import dev.rpcharness.consumer.testing.WirePeer;
import dev.rpcharness.protocol.ProviderNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviours 1, 3, 4 and 5 through a real ZooKeeper (curator-test): discovery, rotation, outages. */
class DiscoveryTest {

    /** An interface no test peer serves, to tell providers apart by their services. */
    interface OtherService {
        String other();
    }

    private TestingServer zooKeeper;
    private Registrar registrar;
    private final List<WirePeer> peers = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        zooKeeper = new TestingServer(true);
        registrar = new Registrar(zooKeeper.getConnectString());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        peers.forEach(WirePeer::close);
        registrar.close();
        zooKeeper.close();
    }

    private WirePeer registeredPeer(Class<?>... services) throws Exception {
        WirePeer peer = new WirePeer(new HelloServiceImpl()).start();
        peers.add(peer);
        registrar.register(peer, services);
        return peer;
    }

    private ConsumerClient client() {
        ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zooKeeper.getConnectString()),
                // One connection per provider: the tests count calls per provider as round robin spreads them.
                ConsumerOptions.builder().connectionsPerProvider(1)
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        closeables.add(client);
        return client;
    }

    @Test
    void syncAndAsyncCallsFindTheirProviderInZooKeeper() throws Exception {
        registeredPeer(HelloService.class);
        ConsumerClient client = client();
        assertThat(client.create(HelloService.class).hello("zk")).isEqualTo("Hello zk");
        assertThat(client.createAsync(HelloService.class).call("add", 2, 3).get(5, TimeUnit.SECONDS)).isEqualTo(5);
    }

    @Test
    void callsGoRoundRobinOverConnectedProvidersThatServeTheInterface() throws Exception {
        List<WirePeer> serving = List.of(registeredPeer(HelloService.class), registeredPeer(HelloService.class),
                registeredPeer(HelloService.class, OtherService.class));
        WirePeer other = registeredPeer(OtherService.class);
        ConsumerClient client = client();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.connectedProviders().size() == 4);
        HelloService hello = client.create(HelloService.class);
        for (int i = 0; i < 30; i++) {
            hello.hello("n" + i);
        }
        assertThat(serving).allSatisfy(p -> assertThat(p.received()).isEqualTo(10));
        assertThat(other.received()).isZero();
    }

    @Test
    void newProviderGetsTrafficWithinASecond() throws Exception {
        WirePeer first = registeredPeer(HelloService.class);
        ConsumerClient client = client();
        HelloService hello = client.create(HelloService.class);
        assertThat(hello.hello("one")).isEqualTo("Hello one");
        WirePeer second = new WirePeer(new HelloServiceImpl()).start();
        peers.add(second);
        registrar.register(second, HelloService.class);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> client.connectedProviders().contains(second.address()));
        for (int i = 0; i < 10; i++) {
            hello.hello("n" + i);
        }
        assertThat(second.received()).isEqualTo(5);
        assertThat(first.received()).isEqualTo(6);
    }

    @Test
    void removedProviderGetsNoNewCallsAndItsConnectionsClose() throws Exception {
        WirePeer staying = registeredPeer(HelloService.class);
        WirePeer leaving = registeredPeer(HelloService.class);
        ConsumerClient client = client();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.connectedProviders().size() == 2);
        registrar.deregister(leaving);
        await().atMost(Duration.ofSeconds(5)).until(() -> leaving.openConnections() == 0);
        assertThat(client.connectedProviders()).containsExactly(staying.address());
        int before = leaving.received();
        HelloService hello = client.create(HelloService.class);
        for (int i = 0; i < 10; i++) {
            hello.hello("n" + i);
        }
        assertThat(leaving.received()).isEqualTo(before);
    }

    @Test
    void garbageNodeDataIsSkippedWithoutStoppingDiscovery() throws Exception {
        registrar.writeRaw("garbage", "not json at all".getBytes(StandardCharsets.UTF_8));
        registrar.writeRaw("127.0.0.1:9", "{\"host\":\"127.0.0.1\"}".getBytes(StandardCharsets.UTF_8));
        registrar.writeRaw("empty", new byte[0]);
        WirePeer good = registeredPeer(HelloService.class);
        try (ServiceDiscovery discovery = new ServiceDiscovery(zooKeeper.getConnectString())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> discovery.providers().size() == 1);
            assertThat(discovery.providers()).extracting(ProviderNode::address).containsExactly(good.address());
        }
        assertThat(client().create(HelloService.class).hello("ok")).isEqualTo("Hello ok");
    }

    @Test
    void zooKeeperOutageKeepsTrafficFlowingAndTheListResyncsAfterwards() throws Exception {
        WirePeer first = registeredPeer(HelloService.class);
        ConsumerClient client = client();
        HelloService hello = client.create(HelloService.class);
        assertThat(hello.hello("before")).isEqualTo("Hello before");
        zooKeeper.stop();
        for (int i = 0; i < 20; i++) {
            assertThat(hello.hello("during " + i)).isEqualTo("Hello during " + i);
        }
        assertThat(client.connectedProviders()).containsExactly(first.address());
        zooKeeper.restart();
        WirePeer second = new WirePeer(new HelloServiceImpl()).start();
        peers.add(second);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            registrar.register(second, HelloService.class);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
        assertThat(hello.hello("after")).isEqualTo("Hello after");
    }

    @Test
    void consumerSessionExpiryResyncsTheProviderList() throws Exception {
        WirePeer first = registeredPeer(HelloService.class);
        ServiceDiscovery discovery = new ServiceDiscovery(zooKeeper.getConnectString());
        ConsumerClient client = new ConsumerClient(discovery);
        closeables.add(client);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.connectedProviders().size() == 1);
        List<ConnectionState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        discovery.curator().getConnectionStateListenable().addListener((c, state) -> states.add(state));
        KillSession.kill(discovery.curator().getZookeeperClient().getZooKeeper());
        // While the session is gone, a provider leaves and another arrives.
        WirePeer second = registeredPeer(HelloService.class);
        registrar.deregister(first);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(
                () -> assertThat(client.connectedProviders()).containsExactly(second.address()));
        assertThat(states).contains(ConnectionState.LOST);
        assertThat(client.create(HelloService.class).hello("resynced")).isEqualTo("Hello resynced");
    }

    @Test
    void closingTheClientClosesItsZooKeeperSession() throws Exception {
        registeredPeer(HelloService.class);
        ServiceDiscovery discovery = new ServiceDiscovery(zooKeeper.getConnectString());
        ConsumerClient client = new ConsumerClient(discovery);
        assertThat(client.create(HelloService.class).hello("x")).isEqualTo("Hello x");
        assertThat(discovery.curator().getState()).isEqualTo(CuratorFrameworkState.STARTED);
        client.close();
        assertThat(discovery.curator().getState()).isEqualTo(CuratorFrameworkState.STOPPED);
    }

    @Test
    void unreachableZooKeeperFailsFastWithAClearError() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        assertThatThrownBy(() -> new ServiceDiscovery(address, "/rpc", Duration.ofMillis(500)))
                .isInstanceOf(RegistryException.class).hasMessageContaining(address).hasMessageContaining("500 ms");
    }

    @Test
    void customBasePathIsHonoured() throws Exception {
        try (Registrar custom = new Registrar(zooKeeper.getConnectString(), "/custom/base")) {
            WirePeer peer = new WirePeer(new HelloServiceImpl()).start();
            peers.add(peer);
            custom.register(peer, HelloService.class);
            ConsumerClient client = new ConsumerClient(
                    new ServiceDiscovery(zooKeeper.getConnectString(), "/custom/base"));
            closeables.add(client);
            assertThat(client.create(HelloService.class).hello("base")).isEqualTo("Hello base");
        }
        assertThatThrownBy(() -> new ServiceDiscovery(zooKeeper.getConnectString(), "no-slash"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-slash");
    }
}
