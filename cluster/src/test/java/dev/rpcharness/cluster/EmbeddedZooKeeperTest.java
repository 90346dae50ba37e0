package dev.rpcharness.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

class EmbeddedZooKeeperTest {

    private static CuratorFramework connect(EmbeddedZooKeeper zk) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(zk.connectString())
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(2_000)
                .retryPolicy(new RetryOneTime(100))
                .build();
        client.start();
        assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).as("connected to %s", zk).isTrue();
        return client;
    }

    @Test
    void singleServerListensOnLoopbackAndKeepsDataAcrossRestart() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start()) {
            assertThat(zk.connectString()).startsWith("127.0.0.1:");
            assertThat(zk.isEnsemble()).isFalse();
            try (CuratorFramework client = connect(zk)) {
                client.create().creatingParentsIfNeeded().forPath("/rpc/kept", "v".getBytes(StandardCharsets.UTF_8));
            }
            zk.stop();
            zk.restart();
            try (CuratorFramework client = connect(zk)) {
                assertThat(new String(client.getData().forPath("/rpc/kept"), StandardCharsets.UTF_8)).isEqualTo("v");
            }
        }
    }

    @Test
    void clientCannotReachAStoppedServer() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start()) {
            zk.stop();
            CuratorFramework client = CuratorFrameworkFactory.builder()
                    .connectString(zk.connectString())
                    .connectionTimeoutMs(500)
                    .retryPolicy(new RetryOneTime(100))
                    .build();
            try (client) {
                client.start();
                assertThat(client.blockUntilConnected(1, TimeUnit.SECONDS)).isFalse();
            }
        }
    }

    @Test
    void closeRemovesTheDataFolderAndIsIdempotent() {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start();
        Path data = zk.dataRoot();
        assertThat(data).exists();
        zk.close();
        zk.close();
        assertThat(Files.exists(data)).isFalse();
        assertThatThrownBy(zk::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void killServerNeedsAnEnsemble() {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start()) {
            assertThatThrownBy(() -> zk.killServer(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ensemble");
        }
    }

    @Test
    void ensembleSurvivesOneLostMemberAndStopsServingWithoutQuorum() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.startEnsemble(3)) {
            assertThat(zk.connectString().split(",")).hasSize(3).allMatch(s -> s.startsWith("127.0.0.1:"));
            try (CuratorFramework client = connect(zk)) {
                client.create().forPath("/a");
                zk.killServer(0);
                // A majority (2 of 3) is left: writes still succeed, after a possible reconnect.
                client.create().forPath("/b");
                assertThat(client.checkExists().forPath("/a")).isNotNull();
                zk.killServer(1);
                CuratorFramework quick = CuratorFrameworkFactory.builder()
                        .connectString(zk.connectString())
                        .connectionTimeoutMs(500)
                        .retryPolicy(new RetryOneTime(100))
                        .build();
                try (quick) {
                    quick.start();
                    // One of three left: no quorum, so no new session can be established.
                    assertThat(quick.blockUntilConnected(2, TimeUnit.SECONDS)).isFalse();
                }
            }
        }
    }
}
