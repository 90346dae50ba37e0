package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour 13: close fails what runs, stops every thread, returns promptly; many clients live side by side. */
class LifecycleTest {

    private WirePeer peer;

    @BeforeEach
    void start() {
        peer = new WirePeer(new HelloServiceImpl()).start();
    }

    @AfterEach
    void stop() {
        peer.close();
    }

    private static Set<String> threadsOf(ConsumerClient client) {
        String id = client.toString().substring(client.toString().indexOf('@') + 1, client.toString().indexOf('['));
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.contains("-" + id + "-") || name.endsWith("-" + id))
                .collect(Collectors.toSet());
    }

    @Test
    void closeFailsInFlightAndWaitingCallsAtOnceWithClientClosed() throws Exception {
        CountDownLatch arrived = new CountDownLatch(3);
        peer.script(exchange -> arrived.countDown());
        ConsumerClient client = new ConsumerClient(peer.address(),
                ConsumerOptions.builder().callTimeout(Duration.ofSeconds(30)).build());
        AsyncObjectProxy async = client.createAsync(HelloService.class);
        HelloService hello = client.create(HelloService.class);
        List<RpcFuture> inFlight = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            inFlight.add(async.call("hello", "n" + i));
        }
        CompletableFuture<String> syncCall = CompletableFuture.supplyAsync(() -> hello.hello("sync"));
        assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
        client.close();
        assertThat(inFlight).allSatisfy(f -> assertThat(f.failure()).isInstanceOf(ClientClosedException.class)
                .hasMessageContaining("HelloService#hello"));
        assertThatThrownBy(() -> syncCall.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ClientClosedException.class);
        assertThat(client.pendingCalls()).isZero();
        // Calls after close fail at once too.
        assertThatThrownBy(() -> hello.hello("late")).isInstanceOf(ClientClosedException.class);
        assertThat(async.call("hello", "late").failure()).isInstanceOf(ClientClosedException.class);
    }

    @Test
    void closeStopsEveryThreadTheClientStarted() throws Exception {
        ConsumerClient client = new ConsumerClient(peer.address(), ConsumerOptions.builder().ioThreads(2).build());
        client.createAsync(HelloService.class).call("hello", "x").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(threadsOf(client)).anySatisfy(n -> assertThat(n).startsWith("rpc-io-"))
                .anySatisfy(n -> assertThat(n).startsWith("rpc-callback-"));
        client.close();
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(threadsOf(client)).isEmpty());
        await().atMost(Duration.ofSeconds(3)).until(() -> peer.openConnections() == 0);
    }

    @Test
    void manyClientsLiveSideBySideAndCloseWithoutWaitingOutQuietPeriods() throws Exception {
        List<ConsumerClient> clients = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            clients.add(new ConsumerClient(peer.address()));
        }
        for (int i = 0; i < clients.size(); i++) {
            assertThat(clients.get(i).create(HelloService.class).hello("c" + i)).isEqualTo("Hello c" + i);
        }
        clients.get(0).close();
        // Closing one leaves the others working.
        assertThat(clients.get(1).create(HelloService.class).hello("still")).isEqualTo("Hello still");
        long start = System.nanoTime();
        clients.forEach(ConsumerClient::close);
        // Netty's default graceful shutdown waits a 2 s quiet period per group; ten clients close far faster.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(clients).allSatisfy(c -> assertThat(c.pendingCalls()).isZero());
    }

    @Test
    void closeIsIdempotent() {
        ConsumerClient client = new ConsumerClient(peer.address());
        client.close();
        client.close();
        assertThatThrownBy(() -> client.create(HelloService.class)).isInstanceOf(ClientClosedException.class);
    }

    @Test
    void badAddressesAreRejectedWithTheirPlace() {
        assertThatThrownBy(() -> new ConsumerClient("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConsumerClient("127.0.0.1:1,localhost"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> new ConsumerClient("127.0.0.1:http"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numeric port");
        assertThatThrownBy(() -> new ConsumerClient("127.0.0.1:70000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
    }

    @Test
    void severalDirectAddressesShareTheCallsRoundRobin() throws Exception {
        try (WirePeer second = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(peer.address() + ", " + second.address())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.connectedProviders().size() == 2);
            HelloService hello = client.create(HelloService.class);
            for (int i = 0; i < 20; i++) {
                hello.hello("n" + i);
            }
            assertThat(peer.received()).isEqualTo(10);
            assertThat(second.received()).isEqualTo(10);
        }
    }
}
