package dev.rpcharness.consumer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.ClientClosedException;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RoutingEvent;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.testing.WirePeer;
import dev.rpcharness.protocol.WireContract;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Call policies against real providers on loopback: executions are counted in the providers (the scripted peers),
 * never in the client.
 */
class PolicyCallTest {

    private final List<WirePeer> peers = new ArrayList<>();
    private final List<ConsumerClient> clients = new ArrayList<>();
    /** Executions seen by the peers: one per request that reached a provider's script. */
    private final AtomicInteger executions = new AtomicInteger();
    private final Set<String> attemptHeaders = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() {
        clients.forEach(ConsumerClient::close);
        peers.forEach(WirePeer::close);
    }

    private List<WirePeer> peers(int count, WirePeer.Script script) {
        List<WirePeer> made = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            WirePeer peer = new WirePeer(new PolicyServiceImpl()).start().script(counted(script));
            peers.add(peer);
            made.add(peer);
        }
        return made;
    }

    private WirePeer.Script counted(WirePeer.Script script) {
        return exchange -> {
            executions.incrementAndGet();
            if (exchange.attemptHeader() != null) {
                attemptHeaders.add(exchange.attemptHeader());
            }
            script.answer(exchange);
        };
    }

    private ConsumerClient client(ConsumerOptions.Builder options) {
        String addresses = peers.stream().map(WirePeer::address).collect(Collectors.joining(","));
        ConsumerClient client = new ConsumerClient(addresses, options.connectionsPerProvider(1)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100)).build());
        clients.add(client);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == peers.size());
        return client;
    }

    private static ConsumerOptions.Builder options(Duration callTimeout) {
        // No ejection unless a test asks for it: these tests count attempts on every provider.
        return ConsumerOptions.builder().callTimeout(callTimeout).retryBudget(RetryBudget.UNLIMITED)
                .outlierConsecutiveFailures(0);
    }

    private static byte[] unavailable() {
        return "{\"error\":\"overloaded\"}".getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aNonIdempotentMethodIsNeverExecutedTwiceWhateverTheFault() {
        List<WirePeer> three = peers(3, WirePeer.Exchange::reset);
        // 1.5 s: long enough for a peer on a loaded machine to read the request before the call times out.
        ConsumerClient client = client(options(Duration.ofMillis(1500)));
        PolicyService service = client.create(PolicyService.class);
        List<WirePeer.Script> faults = List.of(WirePeer.Exchange::reset, WirePeer.Exchange::close,
                exchange -> { /* hang: the call times out */ },
                exchange -> exchange.json(HttpResponseStatus.SERVICE_UNAVAILABLE, exchange.id(), unavailable()),
                exchange -> exchange.error(new IllegalStateException("boom")));
        int calls = 0;
        for (WirePeer.Script fault : faults) {
            three.forEach(p -> p.script(counted(fault)));
            for (int i = 0; i < 3; i++) {
                calls++;
                assertThatThrownBy(() -> service.write("k")).isInstanceOf(RpcException.class);
                assertThat(executions.get()).as("executions after %d calls of a non-idempotent method", calls)
                        .isEqualTo(calls);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> client.connectedProviders().size() == three.size());
            }
        }
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void anIdempotentCallWhoseProviderResetsMidCallSucceedsOnAnotherWithinItsDeadline() {
        List<WirePeer> two = peers(2, WirePeer.Exchange::invoke);
        WirePeer resetting = two.get(0);
        resetting.script(counted(WirePeer.Exchange::reset));
        ConsumerClient client = client(options(Duration.ofSeconds(2)));
        PolicyService service = client.create(PolicyService.class);
        for (int i = 0; i < 6; i++) {
            long start = System.nanoTime();
            assertThat(service.read("k" + i)).isEqualTo("k" + i);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
        assertThat(resetting.received()).as("calls that reached the resetting provider first").isPositive();
        assertThat(attemptHeaders).contains("1", "2");
    }

    @Test
    void withEveryProviderFailingAttemptsNeverExceedTheMaximum() {
        peers(3, exchange -> exchange.json(HttpResponseStatus.SERVICE_UNAVAILABLE, exchange.id(), unavailable()));
        ConsumerClient client = client(options(Duration.ofSeconds(2)));
        PolicyService service = client.create(PolicyService.class);
        for (int i = 1; i <= 5; i++) {
            assertThatThrownBy(() -> service.read("k")).isInstanceOf(RpcException.class)
                    .hasMessageContaining("503");
            assertThat(executions.get()).isEqualTo(3 * i);
        }
        assertThat(attemptHeaders).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(client.retryBudget().retries()).isEqualTo(10);
    }

    @Test
    void theRetryBudgetCapsRetriesWhenEveryProviderFailsAndSaysSo() {
        peers(3, exchange -> exchange.json(HttpResponseStatus.SERVICE_UNAVAILABLE, exchange.id(), unavailable()));
        ConsumerClient client = client(options(Duration.ofSeconds(2)).retryBudget(new RetryBudget(10, 0.1)));
        List<RoutingEvent> events = new CopyOnWriteArrayList<>();
        client.addRoutingListener(events::add);
        PolicyService service = client.create(PolicyService.class);
        int calls = 20;
        for (int i = 0; i < calls; i++) {
            assertThatThrownBy(() -> service.read("k")).isInstanceOf(RpcException.class);
        }
        RetryBudgetState budget = client.retryBudget();
        // 10 tokens, one per failed attempt, retries only above 5: the first call retries twice (9, 8 left),
        // the second once (6 left), then 5 left refuses every retry and each call goes once.
        assertThat(budget.retries()).isEqualTo(3);
        assertThat(budget.refused()).isEqualTo(calls - 1);
        assertThat(budget.retriesAllowed()).isFalse();
        assertThat(executions.get()).isEqualTo(calls + 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                .anyMatch(e -> e.kind() == RoutingEvent.Kind.THROTTLED));
    }

    @Test
    void aProvidersPushbackStopEndsTheCallWithoutRetry() {
        peers(3, exchange -> exchange.json(HttpResponseStatus.SERVICE_UNAVAILABLE, exchange.id(), unavailable(),
                WireContract.PUSHBACK_HEADER, "stop"));
        ConsumerClient client = client(options(Duration.ofSeconds(2)));
        assertThatThrownBy(() -> client.create(PolicyService.class).read("k")).hasMessageContaining("503");
        assertThat(executions.get()).isEqualTo(1);
    }

    @Test
    void aProvidersPushbackDelayIsWaitedBeforeTheRetry() {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        peers(2, exchange -> {
            arrivals.add(System.nanoTime());
            if (arrivals.size() == 1) {
                exchange.json(HttpResponseStatus.SERVICE_UNAVAILABLE, exchange.id(), unavailable(),
                        WireContract.PUSHBACK_HEADER, "300");
            } else {
                exchange.invoke();
            }
        });
        ConsumerClient client = client(options(Duration.ofSeconds(2)));
        assertThat(client.create(PolicyService.class).read("k")).isEqualTo("k");
        assertThat(arrivals).hasSize(2);
        assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aHedgeLosersLateAnswerIsDroppedAndItsConnectionKept() {
        List<WirePeer> two = peers(2, WirePeer.Exchange::invoke);
        WirePeer slow = two.get(0);
        AtomicInteger lateAnswers = new AtomicInteger();
        slow.script(counted(exchange -> {
            Thread.sleep(1_200); // on the peer's pool: far after the 100 ms hedge, even on a loaded machine
            exchange.invoke();
            lateAnswers.incrementAndGet();
        }));
        ConsumerClient client = client(options(Duration.ofSeconds(2)));
        PolicyService service = client.create(PolicyService.class);
        for (int i = 0; i < 4; i++) {
            RpcFuture f = client.createAsync(PolicyService.class).call("hedged", "h" + i);
            assertThat(f.toCompletableFuture().join()).isEqualTo("h" + i);
            assertThat(f.providerAddress()).as("the provider whose answer won").isEqualTo(two.get(1).address());
        }
        assertThat(slow.received()).isPositive();
        await().atMost(Duration.ofSeconds(5)).until(() -> lateAnswers.get() == slow.received());
        // Late answers to cancelled attempts are no protocol violation: the connection stays and serves on.
        slow.script(counted(WirePeer.Exchange::invoke));
        for (int i = 0; i < 4; i++) {
            assertThat(service.plain("p" + i)).isEqualTo("p" + i);
        }
        assertThat(slow.connectionsAccepted()).isEqualTo(1);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void closingTheClientEndsACallWaitingForItsBackoff() {
        peers(1, exchange -> exchange.json(HttpResponseStatus.SERVICE_UNAVAILABLE, exchange.id(), unavailable()));
        CallPolicy slowRetry = CallPolicy.builder().idempotent(true).maxAttempts(2).retryOn(RetryOn.UNAVAILABLE)
                .backoff(Duration.ofSeconds(20), Duration.ofSeconds(20)).jitter(0).build();
        ConsumerClient client = client(options(Duration.ofSeconds(60))
                .methodPolicy(PolicyService.class, "read", slowRetry));
        RpcFuture f = client.createAsync(PolicyService.class).call("read", "k");
        await().atMost(Duration.ofSeconds(5)).until(() -> executions.get() == 1);
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        assertThat(f.failure()).isInstanceOf(ClientClosedException.class);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void theDeadlineIsOneThreeAttemptsOfAOneSecondCallAgainstHangingProvidersEndAtOneSecond() {
        peers(3, exchange -> { /* hang */ });
        ConsumerClient client = client(options(Duration.ofSeconds(1)));
        PolicyService service = client.create(PolicyService.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> service.read("k")).isInstanceOf(RpcTimeoutException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(990)).isLessThan(Duration.ofMillis(2500));
        assertThat(executions.get()).as("no attempt starts at or after the deadline").isEqualTo(1);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void attemptTimeoutsRetryInsideTheOneDeadline() {
        peers(3, exchange -> { /* hang */ });
        ConsumerClient client = client(options(Duration.ofMillis(700)));
        PolicyService service = client.create(PolicyService.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> service.poll("k")).isInstanceOf(RpcTimeoutException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // 300 ms, then 300 ms, then what is left of 700 ms: three attempts, the last one cut at the deadline.
        assertThat(took).isLessThan(Duration.ofMillis(850));
        // The third attempt was written before the deadline; a loaded peer may read it a little after the call ended.
        await().atMost(Duration.ofSeconds(2)).until(() -> executions.get() >= 3);
        assertThat(executions.get()).isEqualTo(3);
    }

    @Test
    void hedgingTheFirstAnswerWinsExactlyOneCallbackAndTheLoserLeavesNoPendingEntry() {
        List<WirePeer> two = peers(2, WirePeer.Exchange::invoke);
        WirePeer silent = two.get(0);
        silent.script(counted(exchange -> { /* never answers */ }));
        // One timeout ejects: a hedge loser left pending would time out at its deadline and eject its provider.
        ConsumerClient client = client(options(Duration.ofMillis(600)).outlierConsecutiveFailures(1));
        List<RoutingEvent> events = new CopyOnWriteArrayList<>();
        client.addRoutingListener(events::add);
        AtomicInteger callbacks = new AtomicInteger();
        List<RpcFuture> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RpcFuture f = client.createAsync(PolicyService.class).call("hedged", "h" + i);
            f.addCallback(new AsyncRpcCallback() {
                @Override
                public void success(Object result) {
                    callbacks.incrementAndGet();
                }

                @Override
                public void fail(Exception e) {
                    callbacks.incrementAndGet();
                }
            });
            futures.add(f);
            String value = "h" + i;
            await().atMost(Duration.ofSeconds(2)).until(f::isDone);
            assertThat(f.isFailed()).as("call %d failed: %s", i, f.failure()).isFalse();
            assertThat(f.toCompletableFuture().join()).isEqualTo(value);
        }
        assertThat(silent.received()).as("first attempts that went to the silent provider").isPositive();
        await().atMost(Duration.ofSeconds(5)).until(() -> callbacks.get() == futures.size());
        // Past every loser's deadline: none timed out, so none was left pending.
        await().during(Duration.ofMillis(900)).atMost(Duration.ofSeconds(3))
                .until(() -> events.stream().noneMatch(e -> e.kind() == RoutingEvent.Kind.EJECTED));
        assertThat(callbacks.get()).isEqualTo(futures.size());
        assertThat(client.pendingCalls()).isZero();
    }
}
