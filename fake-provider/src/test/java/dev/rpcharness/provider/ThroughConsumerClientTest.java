package dev.rpcharness.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogService.Item;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.TestZooKeeper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider driven by the real consumer: discovery, typed calls, and the client errors faults produce. */
class ThroughConsumerClientTest {

    private static ConsumerOptions options(Duration callTimeout) {
        return ConsumerOptions.builder().callTimeout(callTimeout).providerWaitTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void clientDiscoversTheProviderInZooKeeperAndMakesTypedCalls() throws Exception {
        try (TestZooKeeper zk = new TestZooKeeper();
             FakeProvider provider = FakeProvider.builder().registry(zk.connectString())
                     .serve(CatalogService.class, new CatalogServiceImpl()).build().start();
             ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.connectString()),
                     options(Duration.ofSeconds(5)))) {
            CatalogService catalog = client.create(CatalogService.class);
            assertThat(catalog.hello("client")).isEqualTo("Hello client");
            assertThat(catalog.add(40, 2L)).isEqualTo(42);
            assertThat(catalog.item("pen", 2)).isEqualTo(new Item("pen", 2));
            assertThat(catalog.totalQuantity(List.of(new Item("a", 3), new Item("b", 4)))).isEqualTo(7);
            assertThat(catalog.counts(List.of("x", "x", "y"))).isEqualTo(Map.of("x", 2, "y", 1));
            CatalogService.Order order = new CatalogService.Order();
            order.setCustomer("bo");
            order.setItems(List.of(new Item("c", 1)));
            assertThat(catalog.order(order).getCustomer()).isEqualTo("BO");
            catalog.touch();
            assertThatThrownBy(() -> catalog.fail("bad"))
                    .isInstanceOfSatisfying(RemoteInvocationException.class, e -> {
                        assertThat(e.remoteType()).isEqualTo("java.lang.IllegalStateException");
                        assertThat(e.remoteMessage()).isEqualTo("bad");
                    });
            assertThat(provider.stats().received()).isEqualTo(8);
        }
    }

    @Test
    void rollingGracefulRestartUnderLoadLosesNoCall() throws Exception {
        try (TestZooKeeper zk = new TestZooKeeper();
             FakeProvider a = FakeProvider.builder().name("roll-a").registry(zk.connectString())
                     .serve(CatalogService.class, new CatalogServiceImpl()).build().start();
             FakeProvider b = FakeProvider.builder().name("roll-b").registry(zk.connectString())
                     .serve(CatalogService.class, new CatalogServiceImpl()).build().start();
             ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.connectString()),
                     options(Duration.ofSeconds(5)))) {
            AsyncObjectProxy async = client.createAsync(CatalogService.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<RpcFuture> futures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(50);
            Thread load = new Thread(() -> {
                try {
                    for (int i = 0; running.get() && i < 200_000; i++) {
                        if (!window.tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS)) {
                            return;
                        }
                        RpcFuture f = async.call("add", i, 0L);
                        futures.add(f);
                        f.toCompletableFuture().whenComplete((v, e) -> window.release());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "rolling-load");
            load.start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().received() > 100
                        && b.stats().received() > 100);
                a.restart();
                await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
                long before = a.stats().received();
                await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().received() > before + 100);
                b.restart();
                await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            } finally {
                running.set(false);
                load.join(10_000);
            }
            List<Throwable> failures = new java.util.ArrayList<>();
            synchronized (futures) {
                for (RpcFuture f : futures) {
                    try {
                        f.get(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        failures.add(e.getCause());
                    }
                }
            }
            System.out.printf("rolling restart: %d calls, %d failed%n", futures.size(), failures.size());
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void concurrentCallsWithRandomDelaysEachGetTheirOwnAnswerOutOfOrder() throws Exception {
        int calls = 1_000;
        try (FakeProvider provider = FakeProvider.builder().serve(CatalogService.class, new CatalogServiceImpl())
                .faultPlan(FaultPlan.builder().seed(3).rule(FaultRule.forAll(
                        Fault.latencyUniform(Duration.ZERO, Duration.ofMillis(30)))).build())
                .build().start();
             ConsumerClient client = new ConsumerClient(provider.address(), ConsumerOptions.builder()
                     .callTimeout(Duration.ofSeconds(20)).connectionsPerProvider(2).build())) {
            AsyncObjectProxy async = client.createAsync(CatalogService.class);
            List<RpcFuture> futures = new java.util.ArrayList<>();
            for (int i = 0; i < calls; i++) {
                futures.add(async.call("add", i, 1_000_000L));
            }
            for (int i = 0; i < calls; i++) {
                assertThat(futures.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(i + 1_000_000);
            }
            assertThat(provider.stats().received("add")).isEqualTo(calls);
            assertThat(provider.stats().answered("add")).isEqualTo(calls);
            assertThat(provider.stats().faults(dev.rpcharness.provider.fault.FaultKind.LATENCY_UNIFORM))
                    .isEqualTo(calls);
            assertThat(provider.openConnections()).isEqualTo(2);
            assertThat(client.pendingCalls()).isZero();
        }
    }

    @Test
    void faultsBecomeTheClientErrorsTheProtocolPromises() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().serve(CatalogService.class, new CatalogServiceImpl())
                .build().start();
             ConsumerClient client = new ConsumerClient(provider.address(), options(Duration.ofMillis(1_500)))) {
            CatalogService catalog = client.create(CatalogService.class);
            // A cold JVM on a busy machine may miss the first deadline: warm up until a call gets through.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> catalog.hello("warm").equals("Hello warm"));

            provider.faultPlan(FaultPlan.of(FaultRule.forAll(Fault.error("java.io.UncheckedIOException", "disk"))));
            assertThatThrownBy(() -> catalog.hello("a")).isInstanceOf(RemoteInvocationException.class)
                    .hasMessageContaining("disk");

            provider.faultPlan(FaultPlan.of(FaultRule.forAll(Fault.httpStatus(503))));
            assertThatThrownBy(() -> catalog.hello("b")).isInstanceOf(RpcProtocolException.class)
                    .hasMessageContaining("503");

            provider.faultPlan(FaultPlan.of(FaultRule.forAll(Fault.hang())));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> catalog.hello("c")).isInstanceOf(RpcTimeoutException.class);
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1_450);

            provider.faultPlan(FaultPlan.of(FaultRule.forAll(Fault.reset())));
            t0 = System.nanoTime();
            assertThatThrownBy(() -> catalog.hello("d")).isInstanceOf(ConnectionLostException.class);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("connection loss is reported at once")
                    .isLessThan(1_450);

            provider.faultPlan(FaultPlan.of(FaultRule.forAll(Fault.unknownRequestId())));
            assertThatThrownBy(() -> catalog.hello("e")).isInstanceOf(RpcProtocolException.class);

            provider.faultPlan(FaultPlan.none());
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> catalog.hello("again").equals("Hello again"));
        }
    }
}
