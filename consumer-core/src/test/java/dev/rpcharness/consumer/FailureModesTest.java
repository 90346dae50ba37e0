package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviours 7, 8, 9 and 11: timeouts by deadline timer, connection loss failing calls at once and reconnecting,
 * remote exceptions as typed errors.
 */
class FailureModesTest {

    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(30);

    private WirePeer peer;
    private final List<ConsumerClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        peer = new WirePeer(new HelloServiceImpl()).start();
    }

    @AfterEach
    void stop() {
        clients.forEach(ConsumerClient::close);
        peer.close();
    }

    private ConsumerClient client(Duration callTimeout) {
        // One connection: these tests follow what happens to "the" connection (reset, reconnect, late answer).
        ConsumerClient client = new ConsumerClient(peer.address(), ConsumerOptions.builder().connectionsPerProvider(1)
                .callTimeout(callTimeout).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        clients.add(client);
        return client;
    }

    @Test
    void syncCallTimesOutAtTheCallTimeoutAndLeavesNothingPending() {
        peer.script(exchange -> { /* never answer */ });
        ConsumerClient client = client(Duration.ofMillis(300));
        HelloService hello = client.create(HelloService.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> hello.hello("x"))
                .isInstanceOf(RpcTimeoutException.class)
                .hasMessageContaining("HelloService#hello")
                .hasMessageContaining(peer.address())
                .hasMessageContaining("300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void asyncCallTimesOutWithoutAnyoneCallingGetAndCallbacksSeeIt() throws Exception {
        peer.script(exchange -> { });
        ConsumerClient client = client(Duration.ofMillis(200));
        CountDownLatch failed = new CountDownLatch(1);
        List<Exception> seen = new CopyOnWriteArrayList<>();
        RpcFuture future = client.createAsync(HelloService.class).call("hello", "x");
        future.addCallback(new AsyncRpcCallback() {
            @Override
            public void success(Object result) {
            }

            @Override
            public void fail(Exception e) {
                seen.add(e);
                failed.countDown();
            }
        });
        assertThat(failed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).singleElement().isInstanceOf(RpcTimeoutException.class);
        assertThat(future.isDone()).isTrue();
        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RpcTimeoutException.class);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void lateResponseIsDroppedQuietlyAndTheConnectionStaysUsable() throws Exception {
        CountDownLatch timedOut = new CountDownLatch(1);
        peer.script(exchange -> {
            if (exchange.method().equals("slow")) {
                timedOut.await(5, TimeUnit.SECONDS);
            }
            exchange.invoke();
        });
        ConsumerClient client = client(Duration.ofMillis(200));
        HelloService hello = client.create(HelloService.class);
        assertThatThrownBy(() -> hello.slow("late", 0)).isInstanceOf(RpcTimeoutException.class);
        timedOut.countDown();
        // The late answer arrives on the same connection; later calls still work there.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(hello.hello("after")).isEqualTo("Hello after"));
        assertThat(peer.connectionsAccepted()).isEqualTo(1);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void getWithTimeoutLeavesNoPendingEntryBehind() throws Exception {
        peer.script(exchange -> { });
        ConsumerClient client = client(Duration.ofMillis(400));
        RpcFuture future = client.createAsync(HelloService.class).call("hello", "x");
        assertThatThrownBy(() -> future.get(10, TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.pendingCalls() == 0);
        assertThat(future.failure()).isInstanceOf(RpcTimeoutException.class);
    }

    @Test
    void resetFailsEveryCallInFlightAtOnceNotAtTheTimeout() throws Exception {
        CountDownLatch allArrived = new CountDownLatch(5);
        peer.script(exchange -> {
            allArrived.countDown();
            if (allArrived.getCount() == 0) {
                exchange.reset();
            }
        });
        ConsumerClient client = client(LONG_TIMEOUT);
        AsyncObjectProxy async = client.createAsync(HelloService.class);
        List<RpcFuture> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(async.call("hello", "n" + i));
        }
        assertThat(allArrived.await(5, TimeUnit.SECONDS)).isTrue();
        // Well before the 30 s call timeout, every call has failed with a connection-lost error.
        await().atMost(Duration.ofSeconds(5)).until(() -> futures.stream().allMatch(RpcFuture::isDone));
        assertThat(futures).allSatisfy(f -> assertThat(f.failure())
                .isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining(peer.address()));
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void closeWithoutAnswerFailsTheSyncCallerAtOnce() {
        peer.script(WirePeer.Exchange::close);
        ConsumerClient client = client(LONG_TIMEOUT);
        HelloService hello = client.create(HelloService.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(ConnectionLostException.class)
                .hasMessageContaining("HelloService#hello");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LONG_TIMEOUT);
    }

    @Test
    void clientReconnectsWithBackoffAfterTheProviderComesBack() {
        ConsumerClient client = client(Duration.ofSeconds(2));
        HelloService hello = client.create(HelloService.class);
        assertThat(hello.hello("a")).isEqualTo("Hello a");
        peer.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.connectedProviders().isEmpty());
        peer.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !client.connectedProviders().isEmpty());
        assertThat(hello.hello("b")).isEqualTo("Hello b");
        assertThat(peer.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void providerExceptionArrivesAsRemoteInvocationExceptionNeverAsNull() throws Exception {
        ConsumerClient client = client(Duration.ofSeconds(5));
        HelloService hello = client.create(HelloService.class);
        assertThatThrownBy(() -> hello.fail("boom"))
                .isInstanceOfSatisfying(RemoteInvocationException.class, e -> {
                    assertThat(e.remoteType()).isEqualTo(IllegalStateException.class.getName());
                    assertThat(e.remoteMessage()).isEqualTo("boom");
                })
                .hasMessageContaining("HelloService#fail").hasMessageContaining(peer.address());
        RpcFuture future = client.createAsync(HelloService.class).call("fail", "async boom");
        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RemoteInvocationException.class).hasMessageContaining("async boom");
    }
}
