package dev.rpcharness.consumer;

import static dev.rpcharness.consumer.testing.TestPorts.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Behaviour 6: with no connected provider, calls wait a bounded time; async callers never block. */
class NoProviderTest {

    /** Options with a provider wait of {@code wait} and quick reconnects (shared with {@link CallEdgesTest}). */
    static ConsumerOptions waitFor(Duration wait) {
        return ConsumerOptions.builder().providerWaitTimeout(wait)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    }

    @Test
    void syncCallFailsWithNoProviderAfterTheWaitBudget() throws Exception {
        try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + freePort(), waitFor(Duration.ofMillis(300)))) {
            HelloService hello = client.create(HelloService.class);
            long start = System.nanoTime();
            assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(NoProviderException.class)
                    .hasMessageContaining("HelloService").hasMessageContaining("300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(client.pendingCalls()).isZero();
        }
    }

    @Test
    void asyncCallFailsWithNoProviderAfterTheWaitBudget() throws Exception {
        try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + freePort(), waitFor(Duration.ofMillis(200)))) {
            RpcFuture future = client.createAsync(HelloService.class).call("hello", "x");
            assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(NoProviderException.class);
            assertThat(client.pendingCalls()).isZero();
        }
    }

    @Test
    void providerConnectingMeanwhileReleasesWaitingSyncAndAsyncCalls() throws Exception {
        int port = freePort();
        try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + port, waitFor(Duration.ofSeconds(20)))) {
            HelloService hello = client.create(HelloService.class);
            CompletableFuture<String> syncCall = CompletableFuture.supplyAsync(() -> hello.hello("sync"));
            RpcFuture asyncCall = client.createAsync(HelloService.class).call("hello", "async");
            // call() returned while no provider exists: it did not wait for one.
            assertThat(asyncCall.isDone()).isFalse();
            assertThat(syncCall.isDone()).isFalse();
            WirePeer peer = new WirePeer(new HelloServiceImpl(), port);
            try {
                peer.start();
                assertThat(asyncCall.get(10, TimeUnit.SECONDS)).isEqualTo("Hello async");
                assertThat(syncCall.get(10, TimeUnit.SECONDS)).isEqualTo("Hello sync");
            } finally {
                peer.close();
            }
        }
    }

    @Test
    void asyncCallNeverBlocksItsCallerEvenWithALongWaitBudget() throws Exception {
        try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + freePort(), waitFor(Duration.ofSeconds(60)))) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            RpcFuture[] futures = new RpcFuture[100];
            for (int i = 0; i < futures.length; i++) {
                futures[i] = async.call("hello", "n" + i);
            }
            // A hundred calls were started against no provider at all and none has ended: each call() returned
            // without waiting out the 60 s budget.
            assertThat(futures).noneMatch(RpcFuture::isDone);
            assertThat(client.pendingCalls()).isEqualTo(100);
            client.close();
            assertThat(futures).allSatisfy(f -> assertThat(f.failure()).isInstanceOf(ClientClosedException.class));
            assertThat(client.pendingCalls()).isZero();
        }
    }
}
