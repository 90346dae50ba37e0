package dev.rpcharness.consumer.internal.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.NoProviderException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.consumer.testing.FrozenPeer;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/**
 * One provider-wait budget per call, through a real ZooKeeper: a call waits for a provider, one appears (its node is
 * created) and takes the call into a connection's backlog (the provider does not read, and a large call ahead fills
 * the connection), then disappears (its node is deleted) before the call was sent. The call waits again, and must
 * end when its one budget, counted from its start, is spent: not a fresh budget after waiting again.
 */
class ProviderWaitBudgetTest {

    private static final Duration BUDGET = Duration.ofSeconds(6);
    /** How long the call waits before the provider appears: most of its budget. */
    private static final Duration FIRST_WAIT = Duration.ofSeconds(4);

    @Test
    void aCallThatWaitsForAProviderAgainEndsWithinItsOneBudget() throws Exception {
        // One connection: the call must sit unsent behind the large one on the same connection.
        ConsumerOptions options = ConsumerOptions.builder().connectionsPerProvider(1).providerWaitTimeout(BUDGET)
                .callTimeout(Duration.ofSeconds(60)).build();
        try (TestingServer zk = new TestingServer(true);
             CuratorFramework registrar = CuratorFrameworkFactory.newClient(zk.getConnectString(), 10_000, 5_000,
                     new RetryOneTime(100));
             FrozenPeer frozen = new FrozenPeer();
             ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.getConnectString()), options)) {
            registrar.start();
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            // A call of 12 MB ahead of it: once written, the connection to the frozen provider takes no more writes.
            RpcFuture filler = async.call("hello", "x".repeat(12 * 1024 * 1024));
            RpcFuture call = async.call("hello", "waits twice");
            long start = call.startNanos();

            Thread.sleep(FIRST_WAIT.toMillis()); // the call spends most of its budget waiting: scenario time
            assertThat(call.isDone()).as("still waiting for a provider").isFalse();
            String path = WireContract.providerNodePath(WireContract.DEFAULT_BASE_PATH, "127.0.0.1", frozen.port());
            ProviderNode node = new ProviderNode("127.0.0.1", frozen.port(), List.of(HelloService.class.getName()), 1);
            registrar.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(path, node.toJson(RpcJson.newMapper()));
            await().atMost(Duration.ofSeconds(10)).until(() -> filler.providerAddress() != null);
            assertThat(call.providerAddress()).as("the call sits unsent behind the large one").isNull();
            registrar.delete().forPath(path); // the provider disappears before the call was sent

            Throwable failure = null;
            try {
                call.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(call.endNanos() - start);
            System.out.printf("PROVIDER-WAIT budgetMs=%d firstWaitMs=%d endedAfterMs=%d failure=%s%n",
                    BUDGET.toMillis(), FIRST_WAIT.toMillis(), waitedMillis, failure);
            assertThat(failure).isInstanceOf(NoProviderException.class);
            assertThat(call.providerAddress()).as("never sent").isNull();
            assertThat(frozen.connections()).as("the provider did appear and was connected").isPositive();
            assertThat(waitedMillis).as("from the call's start to its end; a fresh budget after the second wait "
                    + "would end it after at least %d ms", FIRST_WAIT.plus(BUDGET).toMillis())
                    .isBetween(BUDGET.toMillis() - 100, BUDGET.toMillis() + 2_500);
        }
    }
}
