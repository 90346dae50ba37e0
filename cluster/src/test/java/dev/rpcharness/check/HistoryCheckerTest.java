package dev.rpcharness.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.run.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The call-history checker over real runs (a real cluster, real chaos) and over a deliberately broken consumer
 * ({@code rpcharness.consumer.brokenCall}), whose broken call it must name; and each rule of docs/history.md on a
 * hand-written history.
 */
class HistoryCheckerTest {

    private static final String BROKEN = "rpcharness.consumer.brokenCall";

    @TempDir
    Path dir;

    /** Makes a client of {@code cluster} with the switch set only while it is built. */
    private static ConsumerClient brokenClient(RpcCluster cluster, String how) {
        System.setProperty(BROKEN, how);
        try {
            return cluster.newClient();
        } finally {
            System.clearProperty(BROKEN);
        }
    }

    private static void callAndWait(ConsumerClient client, int calls) throws Exception {
        AsyncObjectProxy async = client.createAsync(EchoService.class);
        List<RpcFuture> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(async.call("echo", "c" + i));
        }
        for (RpcFuture f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @ResourceLock(BROKEN)
    void aConsumerThatEndsOneCallTwiceFailsTheCheckNamingThatCall() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(2).callHistory(dir).build()) {
            ConsumerClient client = brokenClient(cluster, "double-end:7");
            callAndWait(client, 20);
            List<CheckReport> reports = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2));
            assertThat(reports).singleElement().satisfies(r -> {
                assertThat(r.passed()).isFalse();
                assertThat(r.violations()).singleElement().satisfies(v -> {
                    assertThat(v.rule()).isEqualTo(Rule.ENDED_ONCE);
                    assertThat(v.seq()).isEqualTo(7);
                    assertThat(v.message()).contains("call #7 EchoService#echo on 127.0.0.1:").contains("ended 2 times");
                });
                assertThat(r.ok()).isEqualTo(20);
            });
        }
    }

    @Test
    @ResourceLock(BROKEN)
    void aConsumerThatDropsOneCallsEndFailsTheCheckNamingThatCall() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).callHistory(dir).build()) {
            ConsumerClient client = brokenClient(cluster, "drop-end:3");
            callAndWait(client, 10);
            CheckReport r = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2)).get(0);
            assertThat(r.violations()).singleElement().satisfies(v -> {
                assertThat(v.rule()).isEqualTo(Rule.NONE_OPEN);
                assertThat(v.seq()).isEqualTo(3);
                assertThat(v.message()).contains("call #3 EchoService#echo").contains("never ended");
            });
            assertThat(r.open()).isEqualTo(1);
            assertThat(r.ok()).isEqualTo(9);
        }
    }

    @Test
    void aCorrectConsumerPassesAndCallsHeldByACrashedProviderAreInfoThatRan() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).callHistory(dir)
                .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(10)).build()).build()) {
            ConsumerClient client = cluster.client();
            callAndWait(client, 5);
            // The provider runs each call at once but holds its answer 5 s: it dies with all of them executed.
            cluster.faultPlan(0, FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofSeconds(5)))));
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> held = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                held.add(async.call("echo", "held" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.provider(0).executedCalls().count() == 13);
            cluster.crash(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> held.stream().allMatch(RpcFuture::isDone));
            CheckReport r = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2)).get(0);
            assertThat(r.violations()).isEmpty();
            assertThat(r.ok()).isEqualTo(5);
            assertThat(r.info()).isEqualTo(8);
            assertThat(r.infoRan()).isEqualTo(8);
        }
    }

    @Test
    void callsToAFrozenProviderTimeOutAsInfoThatDidNotRunAndAreFlagged() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).callHistory(dir)
                .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofMillis(500))
                        .outlierConsecutiveFailures(0).build()).build()) {
            ConsumerClient client = cluster.client();
            callAndWait(client, 3);
            cluster.freeze(0);
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> frozen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                frozen.add(async.call("echo", "f" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> frozen.stream().allMatch(RpcFuture::isDone));
            CheckReport r = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2)).get(0);
            assertThat(r.violations()).as(r.describe()).isEmpty();
            // Written ones are info that did not run; one still queued for the connection at its deadline is a
            // fail (never written, so it surely did not run).
            assertThat(r.info() + r.fail()).as(r.describe()).isEqualTo(4);
            assertThat(r.info()).as(r.describe()).isPositive();
            assertThat(r.infoNotRan()).as(r.describe()).isEqualTo(r.info());
            assertThat(r.flagged()).hasSize((int) r.info()).allMatch(f -> f.contains("p0, frozen since"));
            cluster.thaw(0);
        }
    }

    @Test
    void callsAThawedProviderReadsAfterTheirDeadlineAreDroppedUnrunAndFail() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).callHistory(dir)
                .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofMillis(300))
                        .outlierConsecutiveFailures(0).build()).build()) {
            ConsumerClient client = cluster.client();
            callAndWait(client, 3);
            cluster.freeze(0);
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> frozen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                frozen.add(async.call("echo", "f" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> frozen.stream().allMatch(RpcFuture::isDone));
            CheckReport before = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2)).get(0);
            cluster.thaw(0);
            // The provider reads the written ones now, after their deadline: it drops them instead of running them.
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.provider(0).stats().expired() == before.info());
            callAndWait(client, 2);
            CheckReport r = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2)).get(0);
            assertThat(r.violations()).as(r.describe()).isEmpty();
            assertThat(before.info()).as(before.describe()).isPositive();
            assertThat(r.info()).as(r.describe()).isZero();
            assertThat(r.fail()).as(r.describe()).isEqualTo(4);
            assertThat(r.ok()).isEqualTo(5);
            assertThat(cluster.provider(0).executedCalls().count()).isEqualTo(5);
        }
    }

    // ---- each rule on a hand-written history ----

    private Path history(String... lines) throws IOException {
        Path file = dir.resolve("hand.jsonl");
        Files.writeString(file, "{\"e\":\"history\",\"callTimeoutMs\":1000}\n" + String.join("\n", lines)
                + "\n{\"e\":\"closed\",\"t\":0,\"lost\":0}\n");
        return file;
    }

    private static final long S = 1_000_000_000L;

    private static HistoryChecker checker(Timeline timeline) {
        return checker(timeline, List.of());
    }

    private static HistoryChecker checker(Timeline timeline, List<FaultSpan> closingFaults) {
        return HistoryChecker.builder().timeline(timeline.events(), 0).provider("h:1", "p0", null, closingFaults)
                .slack(Duration.ofMillis(500)).build();
    }

    private static String start(int seq, long t) {
        return "{\"e\":\"start\",\"seq\":" + seq + ",\"t\":" + t + ",\"method\":\"E#echo\"}";
    }

    private static String write(int seq, long t) {
        return "{\"e\":\"write\",\"seq\":" + seq + ",\"t\":" + t + ",\"provider\":\"h:1\",\"port\":5,\"id\":" + seq
                + "}";
    }

    private static String end(int seq, long t, String error) {
        return "{\"e\":\"end\",\"seq\":" + seq + ",\"t\":" + t
                + (error == null ? "" : ",\"error\":\"dev.rpcharness.consumer." + error + "\"") + "}";
    }

    private static List<Rule> rules(CheckReport r) {
        return r.violations().stream().map(Violation::rule).toList();
    }

    @Test
    void eachRuleReportsItsViolation() throws IOException {
        Timeline empty = new Timeline(() -> 0L, java.time.Clock.systemUTC());
        HistoryChecker checker = checker(empty);
        assertThat(rules(checker.check(history(write(1, S), end(1, 2 * S, null))))).containsExactly(Rule.STARTED);
        assertThat(rules(checker.check(history(start(1, 0), write(1, S), write(1, S), end(1, 2 * S, null)))))
                .containsExactly(Rule.WRITTEN_ONCE);
        assertThat(rules(checker.check(history(start(1, 0), end(1, S, null), write(1, 2 * S)))))
                .containsExactly(Rule.NOT_WRITTEN_AFTER_END);
        assertThat(rules(checker.check(history(start(1, 0), end(1, S, null))))).containsExactly(
                Rule.UNSENT_ONLY_REJECTED);
        assertThat(rules(checker.check(history(start(1, 0), end(1, S, "NoProviderException"))))).isEmpty();
        // Moved between connections that all closed before it could be written (a crash): failed, not run.
        CheckReport unsentLost = checker.check(history(start(1, 0), end(1, S, "ConnectionLostException")));
        assertThat(rules(unsentLost)).isEmpty();
        assertThat(unsentLost.fail()).isEqualTo(1);
        assertThat(rules(checker.check(history(start(1, 0), write(1, 1), end(1, S / 2, "RpcTimeoutException")))))
                .containsExactly(Rule.TIMEOUT_BOUNDS);
        assertThat(rules(checker.check(history(start(1, 0), write(1, 1), end(1, 2 * S, "RpcTimeoutException")))))
                .containsExactly(Rule.TIMEOUT_BOUNDS);
        assertThat(rules(checker.check(history(start(1, 0), write(1, 1), end(1, S + S / 4, "RpcTimeoutException")))))
                .isEmpty();
        assertThat(rules(checker.check(history(start(1, 0), write(1, 1), end(1, S, "ConnectionLostException")))))
                .containsExactly(Rule.CONNECTION_LOST_HAS_CAUSE);
        assertThat(rules(checker.check(history(start(1, 0), write(1, 1)))).stream().toList())
                .containsExactly(Rule.NONE_OPEN);
        assertThat(checker.check(history(start(1, 0), write(1, 1), end(1, S, "ConnectionLostException")))
                .violations().get(0).message()).contains("call #1 E#echo on h:1 (local port 5, id 1)")
                .contains("p0");
    }

    @Test
    void aLostConnectionIsExplainedByItsProviderCrashingThen() throws IOException {
        long[] now = {S / 2};
        Timeline timeline = new Timeline(() -> now[0], java.time.Clock.systemUTC());
        timeline.record("provider-crash", "p0", "");
        assertThat(checker(timeline).check(history(start(1, 0), write(1, 1),
                end(1, S, "ConnectionLostException"))).violations()).isEmpty();
        // The same crash of another provider does not explain it.
        Timeline other = new Timeline(() -> now[0], java.time.Clock.systemUTC());
        other.record("provider-crash", "p1", "");
        assertThat(rules(checker(other).check(history(start(1, 0), write(1, 1),
                end(1, S, "ConnectionLostException"))))).containsExactly(Rule.CONNECTION_LOST_HAS_CAUSE);
    }

    @Test
    void onlyAFaultPlanAbleToEndConnectionsAndInForceThenExplainsALostConnection() throws IOException {
        long[] now = {S / 2};
        Timeline timeline = new Timeline(() -> now[0], java.time.Clock.systemUTC());
        timeline.record("fault-plan", "p0", "FaultPlan[none]");
        timeline.record("provider-faultPlan", "p0", "FaultPlan[none]");
        String[] lostAt10s = {start(1, 10 * S), write(1, 10 * S + 1), end(1, 11 * S, "ConnectionLostException")};
        // A plan installed earlier that cannot end connections is no cause.
        assertThat(rules(checker(timeline).check(history(lostAt10s))))
                .containsExactly(Rule.CONNECTION_LOST_HAS_CAUSE);
        // A reset plan replaced long before the call is no cause either...
        assertThat(rules(checker(timeline, List.of(new FaultSpan(Long.MIN_VALUE, 5 * S))).check(history(lostAt10s))))
                .containsExactly(Rule.CONNECTION_LOST_HAS_CAUSE);
        // ... one in force while the call was out is, and so is one installed within the slack of its end.
        assertThat(checker(timeline, List.of(new FaultSpan(Long.MIN_VALUE, Long.MAX_VALUE))).check(history(lostAt10s))
                .violations()).isEmpty();
        assertThat(checker(timeline, List.of(new FaultSpan(11 * S + S / 4, Long.MAX_VALUE))).check(history(lostAt10s))
                .violations()).isEmpty();
    }

    @Test
    void connectionsEndedByAResetPlanPassTheCheck() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).callHistory(dir)
                .clientOptions(ConsumerOptions.builder().outlierConsecutiveFailures(0).build()).build()) {
            ConsumerClient client = cluster.client();
            callAndWait(client, 3);
            cluster.faultPlan(0, FaultPlan.of(FaultRule.forAll(Fault.reset()).everyNth(3)));
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> calls = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                calls.add(async.call("echo", "r" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.stream().allMatch(RpcFuture::isDone));
            cluster.faultPlan(0, FaultPlan.none());
            callAndWait(client, 3);
            CheckReport r = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(2)).get(0);
            assertThat(r.violations()).as(r.describe()).isEmpty();
            assertThat(r.info()).as(r.describe()).isPositive();
        }
    }
}
