package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.check.CheckReport;
import dev.rpcharness.cluster.ClusterLinks;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.link.Link;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Toxics on the links of a cluster started with {@code links(true)}: each fault reaches only the calls of the link
 * it is on, and the client sees what docs/link-faults.md says it sees.
 */
class LinkToxicsClusterTest {

    @TempDir
    Path dir;

    @Test
    void latencyOnOneProvidersLinkSlowsOnlyTheCallsItAnswers() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(3).links(true)
                .serve(EchoService.class, () -> text -> text).build()) {
            ConsumerClient client = cluster.newClient();
            await().atMost(Duration.ofSeconds(15)).until(() -> client.connectedProviders().size() == 3);
            String p1 = cluster.links().clientToProvider("p1").address();
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            for (int i = 0; i < 60; i++) {
                async.call("echo", "warm-up " + i).get(5, TimeUnit.SECONDS);
            }
            cluster.links().addToxic(cluster.links().clientToProvider("p1"),
                    Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(50), Duration.ZERO));
            Map<String, List<Long>> millisByProvider = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                RpcFuture f = async.call("echo", "n" + i);
                f.get(5, TimeUnit.SECONDS);
                millisByProvider.computeIfAbsent(f.providerAddress(), k -> new ArrayList<>())
                        .add(TimeUnit.NANOSECONDS.toMillis(f.endNanos() - f.startNanos()));
            }
            assertThat(millisByProvider).containsKey(p1).hasSize(3);
            assertThat(millisByProvider.get(p1)).as("calls answered through p1's link").allMatch(ms -> ms >= 50);
            millisByProvider.forEach((provider, millis) -> {
                if (!provider.equals(p1)) {
                    assertThat(median(millis)).as("median ms of calls answered by %s", provider).isLessThan(50);
                }
            });
        }
    }

    @Test
    void resetPeerFailsTheCallsInFlightAtOnceAndTheHistoryNamesTheResetAsTheirCause() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).links(true).callHistory(dir)
                .serve(EchoService.class, () -> text -> text)
                .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(10)).build()).build()) {
            ConsumerClient client = cluster.client();
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            async.call("echo", "before").get(10, TimeUnit.SECONDS);
            // The provider holds each answer 300 ms: the reset meets the first answer while the others are in flight.
            cluster.faultPlan(0, FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(300)))));
            List<RpcFuture> inFlight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inFlight.add(async.call("echo", "in flight " + i));
            }
            Link link = cluster.links().clientToProvider("p0");
            long resetAt = System.nanoTime();
            cluster.links().addToxic(link, Toxic.resetPeer(LinkDirection.DOWNSTREAM, Duration.ZERO));
            for (RpcFuture f : inFlight) {
                assertThat(Calls.outcome(f, Duration.ofSeconds(5))).isInstanceOf(ConnectionLostException.class);
                assertThat(Calls.endedMillisAfter(f, resetAt)).as("ended long before the 10 s deadline")
                        .isLessThan(3_000);
            }
            cluster.links().removeToxic(link, "reset_peer_downstream");
            cluster.faultPlan(0, FaultPlan.none());
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> "after".equals(async.call("echo", "after").get(2, TimeUnit.SECONDS)));
            List<CheckReport> reports = cluster.callHistory().orElseThrow().check(cluster, true, Duration.ofSeconds(1));
            assertThat(reports).singleElement().satisfies(r -> {
                assertThat(r.violations()).as(r.describe()).isEmpty();
                assertThat(r.fail() + r.info()).isGreaterThanOrEqualTo(8);
            });
            assertThat(cluster.timeline().events("link-reset")).singleElement()
                    .satisfies(e -> assertThat(e.subject()).isEqualTo("p0"));
        }
    }

    @Test
    void slicerOfOneToThreeBytesOnEveryLinkKeepsEveryAnswerIntact() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(2).links(true)
                .serve(EchoService.class, () -> text -> text)
                .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(30)).build()).build()) {
            ClusterLinks links = cluster.links();
            for (Link link : links.all()) {
                links.addToxic(link, Toxic.slicer(LinkDirection.DOWNSTREAM, 2, 1, 0));
                links.addToxic(link, Toxic.slicer(LinkDirection.UPSTREAM, 2, 1, 0));
            }
            ConsumerClient client = cluster.newClient(); // discovers through the sliced ZooKeeper link
            await().atMost(Duration.ofSeconds(15)).until(() -> client.connectedProviders().size() == 2);
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> calls = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String text = "answer " + i + " " + "x".repeat(i % 97);
                sent.add(text);
                calls.add(async.call("echo", text));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(sent.get(i));
            }
            assertThat(links.clientToProvider("p0").toxics()).hasSize(2);
        }
    }

    @Test
    void timeoutZeroOnOneLinkEndsItsCallsAtTheirDeadlineAndEjectsItsProvider() throws Exception {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofMillis(400))
                .outlierConsecutiveFailures(3).outlierEjectionTime(Duration.ofSeconds(20), Duration.ofSeconds(30))
                .build();
        try (RpcCluster cluster = RpcCluster.builder().providers(3).links(true).clientOptions(options)
                .serve(EchoService.class, () -> text -> text).build()) {
            ConsumerClient client = cluster.newClient();
            await().atMost(Duration.ofSeconds(15)).until(() -> client.connectedProviders().size() == 3);
            String p1 = cluster.links().clientToProvider("p1").address();
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            cluster.links().addToxic(cluster.links().clientToProvider("p1"),
                    Toxic.timeout(LinkDirection.DOWNSTREAM, Duration.ZERO));
            List<RpcFuture> calls = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < until && cluster.timeline().events("client-ejected").isEmpty()) {
                calls.add(async.call("echo", "n" + calls.size()));
                Thread.sleep(5); // the offered rate, not a synchronisation
            }
            assertThat(cluster.timeline().events("client-ejected")).singleElement()
                    .satisfies(e -> assertThat(e.subject()).isEqualTo("p1"));
            await().atMost(Duration.ofSeconds(5)).until(() -> Calls.running(calls) == 0);
            for (RpcFuture f : calls) {
                if (p1.equals(f.providerAddress())) {
                    assertThat(f.failure()).isInstanceOf(RpcTimeoutException.class);
                    assertThat(TimeUnit.NANOSECONDS.toMillis(f.endNanos() - f.startNanos())).isBetween(400L, 1_500L);
                } else {
                    assertThat(f.failure()).isNull();
                }
            }
            assertThat(client.ejectedProviders()).containsExactly(p1);
        }
    }

    @Test
    void bandwidthOnOneLinkPacesItsLargeAnswersAndLosesOrDoublesNoCall() throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(1).links(true)
                .serve(EchoService.class, () -> text -> text)
                .clientOptions(ConsumerOptions.builder().callTimeout(Duration.ofSeconds(20))
                        .connectionsPerProvider(1).build()).build()) { // the rate is per connection
            AsyncObjectProxy async = cluster.client().createAsync(EchoService.class);
            async.call("echo", "warm").get(10, TimeUnit.SECONDS);
            cluster.links().addToxic(cluster.links().clientToProvider("p0"),
                    Toxic.bandwidth(LinkDirection.DOWNSTREAM, 200)); // 200 KB/s
            List<RpcFuture> calls = new ArrayList<>();
            List<Integer> ends = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                RpcFuture f = async.call("echo", i + "y".repeat(20_000)); // ~20 KB an answer, 200 KB in all
                int n = i;
                f.addCallback(new dev.rpcharness.consumer.AsyncRpcCallback() {
                    @Override
                    public void success(Object result) {
                        synchronized (ends) {
                            ends.add(n);
                        }
                    }

                    @Override
                    public void fail(Exception e) {
                        synchronized (ends) {
                            ends.add(-1 - n);
                        }
                    }
                });
                calls.add(f);
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(i + "y".repeat(20_000));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(millis).as("200 KB at 200 KB/s cannot arrive faster than the rate").isGreaterThanOrEqualTo(850);
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                synchronized (ends) {
                    return ends.size() == 10;
                }
            });
            synchronized (ends) {
                assertThat(ends).as("each call ended once, with its answer").containsExactlyInAnyOrder(
                        0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            }
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
