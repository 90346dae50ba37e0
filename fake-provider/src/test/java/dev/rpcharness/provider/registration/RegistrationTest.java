package dev.rpcharness.provider.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.ProviderEvent;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.testing.TestZooKeeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registration component against a real ZooKeeper: re-registration that never gives up, crash release. */
class RegistrationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestZooKeeper zk;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zk = new TestZooKeeper();
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        zk.close();
    }

    private static FakeProvider.Builder provider(String basePath, String name) {
        return FakeProvider.builder().registry(zk.connectString()).basePath(basePath).name(name)
                .sessionTimeout(Duration.ofMillis(1_000)).serve(EchoService.class, new EchoServiceImpl());
    }

    @Test
    void reRegistrationThatFailsIsRetriedUntilItSucceeds() throws Exception {
        String base = "/rereg";
        try (CuratorFramework admin = CuratorFrameworkFactory.builder().connectString(zk.connectString())
                .authorization("digest", "admin:secret".getBytes(StandardCharsets.UTF_8))
                .retryPolicy(new RetryOneTime(100)).build();
             FakeProvider p = provider(base, "rereg").build()) {
            admin.start();
            assertThat(admin.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
            List<ProviderEvent> events = new CopyOnWriteArrayList<>();
            p.addListener(events::add);
            p.start();
            String providers = WireContract.providersPath(base);
            String path = WireContract.providerNodePath(base, p.host(), p.port());
            assertThat(admin.checkExists().forPath(path)).isNotNull();

            // Only the admin may create nodes under /providers now: the provider's next registration fails.
            String digest = DigestAuthenticationProvider.generateDigest("admin:secret");
            admin.setACL().withACL(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)),
                    new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))).forPath(providers);
            p.expireSession();
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.action().equals("reregister-failed")));
            assertThat(admin.checkExists().forPath(path)).as("not registered while creating is forbidden").isNull();

            // The registry lets it in again: the provider registers by itself, on its new session.
            admin.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(providers);
            await().atMost(WAIT).untilAsserted(() -> {
                Stat stat = admin.checkExists().forPath(path);
                assertThat(stat).as("registered again once it may").isNotNull();
                assertThat(stat.getEphemeralOwner()).isNotZero();
            });
            assertThat(events).anyMatch(e -> e.action().equals("reregister"));
        }
    }

    @Test
    void crashedProvidersAbandonedRegistrationReleasesItsThreadOnceTheNodeIsGone() throws Exception {
        String base = "/abandon";
        try (FakeProvider p = provider(base, "crashy").build().start()) {
            String path = WireContract.providerNodePath(base, p.host(), p.port());
            assertThat(registryThreads("crashy")).isNotEmpty();
            p.crash();
            assertThat(zk.client().checkExists().forPath(path)).as("a crash leaves the node for a while").isNotNull();
            await().atMost(WAIT).until(() -> zk.client().checkExists().forPath(path) == null);
            await().atMost(WAIT).untilAsserted(() -> assertThat(registryThreads("crashy"))
                    .as("threads of the crashed life's registration, after its node is gone").isEmpty());
            p.restart();
            p.crash();
            await().atMost(WAIT).until(() -> zk.client().checkExists().forPath(path) == null);
            await().atMost(WAIT).untilAsserted(() -> assertThat(registryThreads("crashy")).isEmpty());
        }
    }

    private static List<String> registryThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(name + "-registry") || n.startsWith(name + "-curator")).toList();
    }
}
