package dev.rpcharness.consumer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
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

    /**
     * Provider A accepts and never reads: the first calls fill the kernel's buffers (written, from the client's
     * side), the rest wait unsent on a connection that takes no writes. B comes up (that alone moves nothing: no
     * writability change). Then A resets its connection. Every call that was never written ends OK on B, executed
     * there once, and every written one fails with ConnectionLostException naming A (though its policy retries
     * that failure) and runs nowhere else (A never read it: it ran nowhere at all); both kinds occur; nothing is
     * left pending.
     */
    @Test
    void unsentNonIdempotentCallsOfALostConnectionEndOnAnotherProviderExecutedOnce() throws Exception {
        int calls = 80;
        String big = "u".repeat(100_000);
        Map<String, AtomicInteger> onB = new ConcurrentHashMap<>();
        try (FrozenPeer a = new FrozenPeer();
             WirePeer b = new WirePeer(new PolicyServiceImpl(), TestPorts.freePort());
             ConsumerClient client = new ConsumerClient(a.address() + "," + b.address(), options().build())) {
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
            a.close(); // unread data in its receive buffer: the kernel resets the connection (RST)

            int movedToB = 0;
            int failedOnA = 0;
            for (int i = 0; i < calls; i++) {
                RpcFuture f = futures.get(i);
                String key = i + ":" + big;
                try {
                    assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(key);
                    movedToB++;
                    assertThat(f.providerAddress()).isEqualTo(b.address());
                    assertThat(onB.get(key)).as("executions of moved call %d on B", i).hasValue(1);
                } catch (ExecutionException e) {
                    failedOnA++;
                    assertThat(e.getCause()).as("call %d failed: only a call written to A may fail, naming A", i)
                            .isInstanceOf(ConnectionLostException.class).hasMessageContaining(a.address());
                    assertThat(onB).as("a written non-idempotent call %d is not retried on B", i)
                            .doesNotContainKey(key);
                }
            }
            System.out.printf("UNSENT-FAILOVER connection lost: movedToB=%d failedOnA=%d of %d%n",
                    movedToB, failedOnA, calls);
            assertThat(movedToB).as("calls that were never written and moved to B").isPositive();
            assertThat(failedOnA).as("calls written to A (into the kernel's buffers)").isPositive();
            int executedOnB = onB.values().stream().mapToInt(AtomicInteger::get).sum();
            assertThat(executedOnB).as("executions on B: once per moved call, none more").isEqualTo(movedToB);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.pendingCalls() == 0);
        }
    }

    /**
     * A never lets go: 100 calls of a method without a policy (10 MB, a 15 s timeout) fill its connection, so the
     * 20 non-idempotent calls sent after them all wait unsent behind them. Each attempt's own timeout (4 s, well
     * before the call's 15 s deadline) ends them unsent; the policy call sends each one's next attempt to B, where
     * it ends OK, executed once. (Had written calls timed out at the same instant, the writability change their
     * removal causes could move the unsent ones to B first, as the same attempt with no time left.)
     */
    @Test
    void unsentNonIdempotentCallsWhoseAttemptTimedOutGoToAnotherProviderExecutedOnce() throws Exception {
        CallPolicy timed = CallPolicy.builder().idempotent(false).maxAttempts(2).retryOn(RetryOn.TIMEOUT)
                .attemptTimeout(Duration.ofSeconds(4)).build();
        String big = "t".repeat(100_000);
        Map<String, AtomicInteger> onB = new ConcurrentHashMap<>();
        try (FrozenPeer a = new FrozenPeer();
             WirePeer b = new WirePeer(new PolicyServiceImpl(), TestPorts.freePort());
             ConsumerClient client = new ConsumerClient(a.address() + "," + b.address(),
                     options().methodPolicy(PolicyService.class, "write", timed).build())) {
            b.script(counting(onB, WirePeer.Exchange::invoke));
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().equals(List.of(a.address())));
            AsyncObjectProxy async = client.createAsync(PolicyService.class);
            List<RpcFuture> fillers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fillers.add(async.call("plain", "f" + i + ":" + big));
            }
            List<RpcFuture> writes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                writes.add(async.call("write", "w" + i));
            }
            b.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            assertThat(writes).as("no call ends before its attempt timeout").noneMatch(RpcFuture::isDone);
            for (int i = 0; i < writes.size(); i++) {
                RpcFuture f = writes.get(i);
                await().atMost(Duration.ofSeconds(20)).until(f::isDone);
                assertThat(f.failure()).as("call w%d", i).isNull();
                assertThat(f.toCompletableFuture().join()).isEqualTo("w" + i);
                assertThat(f.providerAddress()).isEqualTo(b.address());
                assertThat(onB.get("w" + i)).as("executions of w%d on B", i).hasValue(1);
            }
            System.out.printf("UNSENT-FAILOVER attempt timeout: %d of %d unsent calls ended OK on B%n",
                    writes.size(), writes.size());
            a.close(); // the fillers end too: written ones lost, unsent ones sent to B
            await().atMost(Duration.ofSeconds(20)).until(() -> client.pendingCalls() == 0);
            assertThat(fillers).allMatch(RpcFuture::isDone);
        }
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
