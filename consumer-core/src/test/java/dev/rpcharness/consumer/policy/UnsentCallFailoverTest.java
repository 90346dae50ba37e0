package dev.rpcharness.consumer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.testing.FrozenPeer;
import dev.rpcharness.consumer.testing.TestPorts;
import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's must-hold on real loopback sockets: a call that cannot be sent (its connection unwritable, then lost)
 * goes elsewhere even when its method is not idempotent; one that was written before the loss is not retried.
 * {@link PolicyService#write} is not idempotent and asks for 3 attempts on every failure kind, so only the rule
 * "never written, or idempotent" keeps it from running twice. Executions are counted in the providers.
 */
class UnsentCallFailoverTest {

    /** Executions per key on one provider: each key is one call. */
    private static WirePeer.Script counting(Map<String, AtomicInteger> executed, WirePeer.Script then) {
        return exchange -> {
            String key = exchange.request().parameters().get(0).asText();
            executed.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            then.answer(exchange);
        };
    }

    private static ConsumerOptions.Builder options() {
        // No ejection: the calls move because A's connection is lost (or their attempt timed out), not because A
        // left rotation.
        return ConsumerOptions.builder().connectionsPerProvider(1).callTimeout(Duration.ofSeconds(15))
                .providerWaitTimeout(Duration.ofSeconds(10)).outlierConsecutiveFailures(0)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
    }

    /** What ends A's hold on its calls in {@link #frozenThenLet}. */
    private interface Release {
        void release(FrozenPeer a) throws Exception;
    }

    /**
     * Provider A accepts and never reads: the first calls fill the kernel's buffers (written, from the client's
     * side), the rest wait unsent on a connection that takes no writes. B comes up (that alone moves nothing: no
     * writability change). Then {@code release} ends A's hold. Asserts that every call that was never written ends
     * OK on B, executed there once, and every written one fails with {@code writtenFailure} naming A and runs
     * nowhere else (A never read it: it ran nowhere at all); both kinds occur; nothing is left pending. A call may
     * also move to B unsent before the release, when a writability change of A's connection offers its backlog
     * (the kernel takes a few more bytes now and then): if that leaves it too little time to be answered there, it
     * fails written on B and is not retried. No call fails unsent, and none runs twice.
     */
    private static void frozenThenLet(ConsumerOptions options, Release release,
                                      Class<? extends Throwable> writtenFailure) throws Exception {
        int calls = 80;
        String big = "u".repeat(100_000);
        Map<String, AtomicInteger> onB = new ConcurrentHashMap<>();
        try (FrozenPeer a = new FrozenPeer();
             WirePeer b = new WirePeer(new PolicyServiceImpl(), TestPorts.freePort());
             ConsumerClient client = new ConsumerClient(a.address() + "," + b.address(), options)) {
            b.script(counting(onB, WirePeer.Exchange::invoke));
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().equals(List.of(a.address())));
            AsyncObjectProxy async = client.createAsync(PolicyService.class);
            List<RpcFuture> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                futures.add(async.call("write", i + ":" + big));
            }
            // 8 MB against a provider that reads nothing: its connection stops taking writes with calls left over.
            assertThat(client.pendingCalls()).isEqualTo(calls);
            b.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            assertThat(futures).as("no call ends while A holds them").noneMatch(RpcFuture::isDone);
            assertThat(a.connections()).isEqualTo(1);
            release.release(a);

            int movedToB = 0;
            int failedOnA = 0;
            int failedOnB = 0;
            for (int i = 0; i < calls; i++) {
                RpcFuture f = futures.get(i);
                String key = i + ":" + big;
                try {
                    assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(key);
                    movedToB++;
                    assertThat(f.providerAddress()).isEqualTo(b.address());
                    assertThat(onB.get(key)).as("executions of moved call %d on B", i).hasValue(1);
                } catch (ExecutionException e) {
                    // Only a written call may fail, and its failure names where it was written. A call that never
                    // was fails with no provider in its message: that is what must not happen.
                    Throwable failure = e.getCause();
                    assertThat(failure).as("call %d failed", i).isInstanceOf(writtenFailure);
                    if (failure.getMessage().contains(a.address())) {
                        failedOnA++;
                        assertThat(onB).as("a written non-idempotent call %d is not retried on B", i)
                                .doesNotContainKey(key);
                    } else {
                        // Moved, still unsent, by a writability change of A's connection late in its attempt, and
                        // written to B too late to be answered within the attempt timeout: not retried either.
                        assertThat(failure).as("call %d failed unsent", i).hasMessageContaining(b.address());
                        failedOnB++;
                    }
                }
            }
            System.out.printf("UNSENT-FAILOVER %s: movedToB=%d failedOnA=%d failedOnB=%d of %d%n",
                    writtenFailure.getSimpleName(), movedToB, failedOnA, failedOnB, calls);
            assertThat(movedToB).as("calls that were never written and moved to B").isPositive();
            assertThat(failedOnA).as("calls written to A (into the kernel's buffers)").isPositive();
            assertThat(onB.values()).as("executions per call on B (A reads nothing)")
                    .allSatisfy(n -> assertThat(n).hasValueLessThanOrEqualTo(1));
            assertThat(onB.size()).as("calls that ran on B").isBetween(movedToB, movedToB + failedOnB);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.pendingCalls() == 0);
        }
    }

    /**
     * A resets its connection (closing a socket with unread data sends RST): its unsent calls were never written
     * and end OK on B; the written ones fail with ConnectionLostException, though the policy retries that failure.
     */
    @Test
    void unsentNonIdempotentCallsOfALostConnectionEndOnAnotherProviderExecutedOnce() throws Exception {
        frozenThenLet(options().build(), FrozenPeer::close, ConnectionLostException.class);
    }

    /**
     * The same with A never letting go: each attempt's own timeout (4 s, well before the call's 15 s deadline)
     * ends the attempts still unsent, which go to B; the written ones time out and, the method not idempotent, are
     * not retried although the policy retries timeouts.
     */
    @Test
    void unsentNonIdempotentCallsWhoseAttemptTimedOutGoToAnotherProviderExecutedOnce() throws Exception {
        CallPolicy timed = CallPolicy.builder().idempotent(false).maxAttempts(2).retryOn(RetryOn.TIMEOUT)
                .attemptTimeout(Duration.ofSeconds(4)).build();
        frozenThenLet(options().methodPolicy(PolicyService.class, "write", timed).build(), a -> { },
                RpcTimeoutException.class);
    }

    /**
     * A non-idempotent call that A read (and executed) before resetting its connection may have had its effect: it
     * fails with ConnectionLostException naming A and is not sent to B, though its policy allows 3 attempts and
     * retries on CONNECTION_LOST. Round robin sends some calls to A; each call is executed exactly once in all.
     */
    @Test
    void aWrittenNonIdempotentCallWhoseConnectionIsLostIsNotRetried() throws Exception {
        Map<String, AtomicInteger> onA = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> onB = new ConcurrentHashMap<>();
        try (WirePeer a = new WirePeer(new PolicyServiceImpl()).start();
             WirePeer b = new WirePeer(new PolicyServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(a.address() + "," + b.address(), options().build())) {
            a.script(counting(onA, WirePeer.Exchange::reset));
            b.script(counting(onB, WirePeer.Exchange::invoke));
            PolicyService service = client.create(PolicyService.class);
            int lost = 0;
            for (int i = 0; i < 6; i++) {
                await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
                String key = "w" + i;
                try {
                    assertThat(service.write(key)).isEqualTo(key);
                    assertThat(onA).doesNotContainKey(key);
                    assertThat(onB.get(key)).hasValue(1);
                } catch (ConnectionLostException e) {
                    lost++;
                    assertThat(e).hasMessageContaining(a.address());
                    assertThat(onA.get(key)).as("executions of %s on A", key).hasValue(1);
                    assertThat(onB).as("%s retried on B", key).doesNotContainKey(key);
                }
            }
            assertThat(lost).as("calls that reached A (round robin over two providers)").isPositive();
            int executed = onA.values().stream().mapToInt(AtomicInteger::get).sum()
                    + onB.values().stream().mapToInt(AtomicInteger::get).sum();
            assertThat(executed).as("executions of 6 calls in all").isEqualTo(6);
            assertThat(client.pendingCalls()).isZero();
        }
    }
}
