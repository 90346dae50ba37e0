package dev.rpcharness.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.policy.CallPolicy;
import dev.rpcharness.consumer.policy.RetryBudget;
import dev.rpcharness.consumer.policy.RetryOn;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.run.CallRecord;
import dev.rpcharness.run.HistoryFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The checker's attempt rules (docs/history.md) over real runs: real fake providers in a real cluster, faults and
 * crashes, a client with call policies recording its history; and a deliberately broken client
 * ({@code rpcharness.consumer.brokenCall=retry-non-idempotent}) whose call the checker must name.
 */
class AttemptHistoryCheckTest {

    private static final String BROKEN = "rpcharness.consumer.brokenCall";

    @TempDir
    Path dir;

    private static ConsumerOptions options(CallPolicy policy, RetryBudget budget) {
        return ConsumerOptions.builder().callTimeout(Duration.ofSeconds(3)).outlierConsecutiveFailures(0)
                .retryBudget(budget).methodPolicy(EchoService.class, "echo", policy).build();
    }

    /** Sends {@code calls} echo calls at once and waits for every one to end (a result or a failure). */
    private static List<RpcFuture> callAll(ConsumerClient client, int calls) {
        AsyncObjectProxy async = client.createAsync(EchoService.class);
        List<RpcFuture> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(async.call("echo", "c" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> futures.stream().allMatch(RpcFuture::isDone));
        return futures;
    }

    private static long succeeded(List<RpcFuture> futures) {
        return futures.stream().filter(f -> {
            try {
                f.get(0, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                return false;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).count();
    }

    /** Every call of the cluster's one history file. */
    private static List<CallRecord> calls(RpcCluster cluster) {
        List<Path> files = cluster.callHistory().orElseThrow().files();
        assertThat(files).hasSize(1);
        return HistoryFile.read(files.get(0)).calls();
    }

    private static long attempts(List<CallRecord> calls) {
        return calls.stream().mapToLong(c -> c.attempts().stream().filter(a -> !a.ended()).count()).sum();
    }

    private static CheckReport check(RpcCluster cluster) {
        List<CheckReport> reports = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2));
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }

    @Test
    void retriesUnderResetsAndACrashMidCallPassTheCheckWithEachAttemptWrittenOnce() {
        CallPolicy policy = CallPolicy.builder().idempotent(true).maxAttempts(3)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .retryOn(RetryOn.CONNECTION_LOST, RetryOn.TIMEOUT, RetryOn.UNAVAILABLE).build();
        try (RpcCluster cluster = RpcCluster.builder().providers(3).callHistory(dir)
                .clientOptions(options(policy, RetryBudget.UNLIMITED)).build()) {
            ConsumerClient client = cluster.client();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 3);
            cluster.faultPlan(0, FaultPlan.of(FaultRule.forAll(Fault.reset())));
            List<RpcFuture> reset = callAll(client, 60);
            assertThat(succeeded(reset)).isEqualTo(60);
            // Provider 1 runs each call at once but holds its answer: it crashes with calls in flight.
            cluster.faultPlan(0, FaultPlan.none());
            cluster.faultPlan(1, FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofSeconds(5)))));
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> held = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                held.add(async.call("echo", "held" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.provider(1).executedCalls().count() > 0);
            cluster.crash(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> held.stream().allMatch(RpcFuture::isDone));
            assertThat(succeeded(held)).isEqualTo(30);

            CheckReport r = check(cluster);
            assertThat(r.violations()).isEmpty();
            assertThat(r.ok()).isEqualTo(90);
            List<CallRecord> calls = calls(cluster);
            assertThat(calls.stream().filter(c -> c.writes().size() > 1).count())
                    .as("calls written more than once (once per attempt)").isPositive();
            assertThat(attempts(calls)).isGreaterThan(90);
        }
    }

    @Test
    @ResourceLock(BROKEN)
    void aClientThatRetriesANonIdempotentCallFailsTheCheckNamingThatCall() {
        // Non-idempotent; each attempt may take 300 ms. Both providers run every call at once and answer after
        // 1 s, so each attempt times out after its provider ran it: a correct client must not retry.
        CallPolicy policy = CallPolicy.builder().idempotent(false).maxAttempts(2).attemptTimeout(Duration.ofMillis(300))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(5)).retryOn(RetryOn.TIMEOUT).build();
        FaultPlan slow = FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofSeconds(1))));
        try (RpcCluster cluster = RpcCluster.builder().providers(2).callHistory(dir)
                .clientOptions(options(policy, RetryBudget.UNLIMITED)).build()) {
            cluster.faultPlan(0, slow);
            cluster.faultPlan(1, slow);
            ConsumerClient correct = cluster.newClient();
            await().atMost(Duration.ofSeconds(10)).until(() -> correct.connectedProviders().size() == 2);
            callAll(correct, 3);
            System.setProperty(BROKEN, "retry-non-idempotent");
            ConsumerClient broken;
            try {
                broken = cluster.newClient();
            } finally {
                System.clearProperty(BROKEN);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> broken.connectedProviders().size() == 2);
            callAll(broken, 3);
            List<CheckReport> reports = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2));
            assertThat(reports).hasSize(2);
            assertThat(reports.get(0).violations()).as("the correct client").isEmpty();
            assertThat(reports.get(1).violations()).as("the broken client").hasSize(3).allSatisfy(v -> {
                assertThat(v.rule()).isEqualTo(Rule.NON_IDEMPOTENT_RUN_ONCE);
                assertThat(v.message()).containsPattern("call #[123] EchoService#echo on 127.0.0.1:")
                        .contains("is not idempotent").contains("ran 2 times");
            });
            assertThat(reports.get(1).violations()).extracting(Violation::seq).containsExactlyInAnyOrder(1L, 2L, 3L);
        }
    }

    @Test
    void withEveryProviderFailingAttemptsStayWithinTheMaximumAndTheBudgetCapsTheTotal() {
        CallPolicy policy = CallPolicy.builder().idempotent(true).maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(2)).retryOn(RetryOn.UNAVAILABLE).build();
        FaultPlan unavailable = FaultPlan.of(FaultRule.forAll(Fault.httpStatus(503)));
        int calls = 100;
        long withBudget;
        try (RpcCluster cluster = RpcCluster.builder().providers(2).callHistory(dir.resolve("budget"))
                .clientOptions(options(policy, new RetryBudget(10, 0.1))).build()) {
            cluster.faultPlan(0, unavailable);
            cluster.faultPlan(1, unavailable);
            ConsumerClient client = cluster.client();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            assertThat(succeeded(callAll(client, calls))).isZero();
            CheckReport r = check(cluster);
            assertThat(r.violations()).isEmpty();
            assertThat(r.ok()).isZero();
            assertThat(r.fail() + r.info()).isEqualTo(calls); // a 503 is a protocol error: info
            withBudget = attempts(calls(cluster));
            long received = cluster.providers().stream().mapToLong(p -> p.stats().received()).sum();
            assertThat(received).isEqualTo(withBudget);
            // No answer gives a token back: the 10-token bucket allows retries while more than 5 are left.
            assertThat(withBudget).isLessThanOrEqualTo(calls + 5);
        }
        try (RpcCluster cluster = RpcCluster.builder().providers(2).callHistory(dir.resolve("unlimited"))
                .clientOptions(options(policy, RetryBudget.UNLIMITED)).build()) {
            cluster.faultPlan(0, unavailable);
            cluster.faultPlan(1, unavailable);
            ConsumerClient client = cluster.client();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            callAll(client, calls);
            CheckReport r = check(cluster);
            assertThat(r.violations()).isEmpty();
            List<CallRecord> records = calls(cluster);
            assertThat(records).allSatisfy(c -> assertThat(c.attempts().stream().filter(a -> !a.ended()))
                    .hasSize(3));
            assertThat(attempts(records)).isEqualTo(3L * calls).isGreaterThan(withBudget);
        }
    }
}
