package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.run.TimelineEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Failure-ratio ejection under real chaos: a fake provider that answers 40% of its calls with HTTP 503 (a provider
 * fault, drawn from the cluster's seeded generator) rarely fails several calls in a row, so the consecutive-failures
 * rule never ejects it, while the failure-ratio rule does; healthy providers never are; and with three such
 * providers of four, no more than {@code maxEjectionPercent} are ejected at once. Calls run one at a time, so the
 * provider sees them in the order the client ends them and a seeded run is the same every time.
 */
class FailureRatioEjectionChaosTest {

    private static final long SEED = 20261130L;
    private static final FaultPlan FORTY_PERCENT =
            FaultPlan.of(FaultRule.forAll(Fault.httpStatus(503)).probability(0.4));
    /**
     * Ten faults in a row eject (a run of ten at 40% is about one in 10,000 calls); cool-downs of 20 s, so an
     * ejected provider stays out for the rest of a test.
     */
    private static final ConsumerOptions CONSECUTIVE_ONLY = ConsumerOptions.builder()
            .callTimeout(Duration.ofSeconds(2)).outlierConsecutiveFailures(10)
            .outlierEjectionTime(Duration.ofSeconds(20), Duration.ofSeconds(30)).maxEjectionPercent(50).build();
    private static final ConsumerOptions WITH_RATIO = CONSECUTIVE_ONLY.toBuilder().outlierFailureRatio(0.3)
            .outlierMinimumCalls(20).outlierInterval(Duration.ofSeconds(10)).build();

    /** One ended call: when it started, where it went, whether it failed. */
    private record Ended(long startNanos, String provider, boolean failed) {
    }

    private static Ended call(AsyncObjectProxy async, int i) {
        long start = System.nanoTime();
        RpcFuture f = async.call("echo", "n" + i);
        Throwable failure = Calls.outcome(f, Duration.ofSeconds(10));
        return new Ended(start, f.providerAddress(), failure != null);
    }

    private static RpcCluster cluster(ConsumerOptions options, int badProviders) {
        RpcCluster.Builder b = RpcCluster.builder().providers(4).seed(SEED).clientOptions(options)
                .serve(EchoService.class, () -> text -> text);
        for (int i = 0; i < badProviders; i++) {
            b.faultPlan(i, FORTY_PERCENT);
        }
        return b.build();
    }

    private static ConsumerClient connected(RpcCluster cluster) {
        ConsumerClient client = cluster.newClient();
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> client.connectedProviders().size() == 4);
        return client;
    }

    private static List<TimelineEvent> ejections(RpcCluster cluster) {
        return cluster.timeline().events("client-ejected");
    }

    @Test
    void theConsecutiveRuleAloneNeverEjectsAProviderFailingFortyPercent() {
        try (RpcCluster cluster = cluster(CONSECUTIVE_ONLY, 1)) {
            AsyncObjectProxy async = connected(cluster).createAsync(EchoService.class);
            String bad = cluster.provider(0).address();
            int toBad = 0;
            int failedOnBad = 0;
            for (int i = 0; i < 800; i++) {
                Ended e = call(async, i);
                if (bad.equals(e.provider())) {
                    toBad++;
                    failedOnBad += e.failed() ? 1 : 0;
                }
            }
            System.out.printf("RATIO-CONSECUTIVE-ONLY calls=800 toBad=%d failedOnBad=%d ejections=%d%n", toBad,
                    failedOnBad, ejections(cluster).size());
            assertThat(failedOnBad).as("the bad provider did fail about 40%% of %d calls", toBad)
                    .isBetween(toBad / 4, toBad * 3 / 5);
            assertThat(ejections(cluster)).isEmpty();
        }
    }

    @Test
    void theFailureRatioRuleEjectsItAndNeverAHealthyProvider() {
        try (RpcCluster cluster = cluster(WITH_RATIO, 1)) {
            AsyncObjectProxy async = connected(cluster).createAsync(EchoService.class);
            String bad = cluster.provider(0).address();
            String badName = cluster.provider(0).name(); // the timeline records routing events under the name
            List<Ended> ended = new ArrayList<>();
            long loadStart = System.nanoTime();
            long until = loadStart + TimeUnit.SECONDS.toNanos(30);
            int afterEjection = -1;
            while (System.nanoTime() < until && afterEjection < 400) {
                ended.add(call(async, ended.size()));
                if (afterEjection >= 0) {
                    afterEjection++;
                } else if (!ejections(cluster).isEmpty()) {
                    afterEjection = 0; // 400 more calls once it is out
                }
            }
            List<TimelineEvent> ejected = ejections(cluster);
            assertThat(ejected).as("ejections").extracting(TimelineEvent::subject).containsExactly(badName);
            assertThat(ejected.get(0).detail()).contains("calls failed within 10000 ms");
            long ejectedAt = ejected.get(0).monotonicNanos();
            int toBadBefore = 0;
            int failedBefore = 0;
            int toBadAfter = 0;
            int failedAfter = 0;
            for (Ended e : ended) {
                boolean before = e.startNanos() < ejectedAt;
                if (bad.equals(e.provider())) {
                    if (before) {
                        toBadBefore++;
                    } else {
                        toBadAfter++;
                    }
                }
                if (e.failed()) {
                    if (before) {
                        failedBefore++;
                    } else {
                        failedAfter++;
                    }
                }
            }
            System.out.printf("RATIO-EJECTION loadToEjectionMs=%d callsBefore=%d toBadBefore=%d failedBefore=%d "
                            + "callsAfter=%d toBadAfter=%d failedAfter=%d detail=\"%s\"%n",
                    TimeUnit.NANOSECONDS.toMillis(ejectedAt - loadStart), ended.size() - afterEjection, toBadBefore,
                    failedBefore, afterEjection, toBadAfter, failedAfter, ejected.get(0).detail());
            assertThat(afterEjection).isEqualTo(400);
            assertThat(toBadAfter).as("calls sent to the ejected provider (its cool-down is 20 s)").isZero();
            assertThat(failedAfter).as("calls failed once it was out: healthy providers only").isZero();
            assertThat(cluster.registeredProviders()).as("still registered").contains(bad);
        }
    }

    @Test
    void whileItStaysBadItIsProbedBackAndEjectedAgainForLonger() {
        ConsumerOptions shortCoolDowns = WITH_RATIO.toBuilder()
                .outlierEjectionTime(Duration.ofMillis(300), Duration.ofSeconds(10)).build();
        try (RpcCluster cluster = cluster(shortCoolDowns, 1)) {
            AsyncObjectProxy async = connected(cluster).createAsync(EchoService.class);
            String badName = cluster.provider(0).name();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; System.nanoTime() < until && ejections(cluster).size() < 3; i++) {
                call(async, i);
            }
            List<TimelineEvent> ejected = ejections(cluster);
            List<Long> coolDowns = ejected.stream().map(e -> Long.parseLong(
                    e.detail().replaceAll(".*out for (\\d+) ms.*", "$1"))).toList();
            System.out.printf("RATIO-AGAIN coolDownsMs=%s reasons=%s%n", coolDowns,
                    ejected.stream().map(TimelineEvent::detail).toList());
            assertThat(ejected).extracting(TimelineEvent::subject).containsOnly(badName).hasSize(3);
            assertThat(coolDowns).as("cool-downs while it stays bad").containsExactly(300L, 600L, 900L);
            List<TimelineEvent> returned = cluster.timeline().events("client-returned");
            assertThat(returned).as("probed back in between").hasSizeGreaterThanOrEqualTo(2);
            assertThat(returned.get(0).monotonicNanos()).isBetween(ejected.get(0).monotonicNanos(),
                    ejected.get(1).monotonicNanos());
            assertThat(returned.get(1).monotonicNanos()).isBetween(ejected.get(1).monotonicNanos(),
                    ejected.get(2).monotonicNanos());
        }
    }

    @Test
    void neverMoreThanMaxEjectionPercentAreEjectedAtOnce() {
        try (RpcCluster cluster = cluster(WITH_RATIO, 3)) {
            ConsumerClient client = connected(cluster);
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            String healthy = cluster.provider(3).name();
            int maxOut = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int afterTwo = -1;
            for (int i = 0; System.nanoTime() < until && afterTwo < 400; i++) {
                call(async, i);
                maxOut = Math.max(maxOut, client.ejectedProviders().size());
                if (afterTwo >= 0) {
                    afterTwo++;
                } else if (maxOut == 2) {
                    afterTwo = 0; // 400 more calls with the cap reached: the third bad one must stay in
                }
            }
            Set<String> ejected = new HashSet<>();
            ejections(cluster).forEach(e -> ejected.add(e.subject()));
            System.out.printf("RATIO-CAP maxEjectedAtOnce=%d ejected=%s callsAtCap=%d%n", maxOut, ejected, afterTwo);
            assertThat(afterTwo).as("calls made with two of four ejected").isEqualTo(400);
            assertThat(maxOut).as("most providers ejected at once, of 4 at 50%").isEqualTo(2);
            assertThat(ejected).as("ejected providers (cool-downs outlast the test)").hasSize(2)
                    .doesNotContain(healthy);
            assertThat(cluster.timeline().events("client-returned")).isEmpty();
        }
    }
}
