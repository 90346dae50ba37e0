package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.testing.FrozenPeer;
import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Failure-aware routing: outlier ejection with growing cool-downs, probation and the max ejection share. */
class OutlierEjectionTest {

    private static ConsumerOptions ejecting(int percent) {
        return ConsumerOptions.builder().callTimeout(Duration.ofMillis(200))
                .outlierConsecutiveFailures(3).outlierEjectionTime(Duration.ofSeconds(1), Duration.ofSeconds(10))
                .maxEjectionPercent(percent).build();
    }

    private static List<RoutingEvent> eventsOf(List<RoutingEvent> events, RoutingEvent.Kind kind, String address) {
        return events.stream().filter(e -> e.kind() == kind && e.provider().equals(address)).toList();
    }

    @Test
    void frozenProviderIsEjectedThenProbedBackWithAGrowingCoolDown() throws Exception {
        try (FrozenPeer frozen = new FrozenPeer();
             WirePeer a = new WirePeer(new HelloServiceImpl()).start();
             WirePeer b = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(frozen.address() + "," + a.address() + ","
                     + b.address(), ejecting(50))) {
            List<RoutingEvent> events = new CopyOnWriteArrayList<>();
            client.addRoutingListener(events::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 3);
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            List<RpcFuture> calls = new ArrayList<>();
            List<Long> startedAt = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // Steady calls until the provider was ejected twice (the second time after its probe failed).
            while (eventsOf(events, RoutingEvent.Kind.EJECTED, frozen.address()).size() < 2
                    && System.nanoTime() < deadline) {
                startedAt.add(System.nanoTime());
                calls.add(async.call("hello", "n" + calls.size()));
                Thread.sleep(5); // the offered rate of the load, not a synchronisation
            }
            List<RoutingEvent> ejected = eventsOf(events, RoutingEvent.Kind.EJECTED, frozen.address());
            List<RoutingEvent> returned = eventsOf(events, RoutingEvent.Kind.RETURNED, frozen.address());
            assertThat(ejected).hasSize(2);
            assertThat(returned).hasSizeGreaterThanOrEqualTo(1);
            assertThat(ejected.get(0).detail()).contains("out for 1000 ms");
            assertThat(ejected.get(1).detail()).as("the cool-down grows while it stays bad")
                    .contains("out for 2000 ms");
            long ejectedAt = ejected.get(0).timeNanos();
            long returnedAt = returned.get(0).timeNanos();
            for (RpcFuture f : calls) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // timeouts on the frozen provider
                }
            }
            long reEjectedAt = ejected.get(1).timeNanos();
            int probes = 0;
            int sentToFrozenWhileEjected = 0;
            int sentToOthers = 0;
            for (int i = 0; i < calls.size(); i++) {
                long t = startedAt.get(i);
                if (t > ejectedAt + TimeUnit.MILLISECONDS.toNanos(20) && t < returnedAt) {
                    if (frozen.address().equals(calls.get(i).providerAddress())) {
                        sentToFrozenWhileEjected++;
                    } else {
                        sentToOthers++;
                    }
                }
            }
            for (int i = 0; i < calls.size(); i++) {
                long t = startedAt.get(i);
                if (t > returnedAt && t < reEjectedAt && frozen.address().equals(calls.get(i).providerAddress())) {
                    probes++;
                }
            }
            assertThat(probes).as("calls sent to the provider on probation before its probe failed").isEqualTo(1);
            assertThat(sentToOthers).isPositive();
            assertThat(sentToFrozenWhileEjected).as("calls routed to the ejected provider").isZero();
            assertThat(client.ejectedProviders()).containsExactly(frozen.address());
        }
    }

    @Test
    void neverMoreThanMaxEjectionPercentAreEjectedAtOnce() throws Exception {
        try (FrozenPeer frozen1 = new FrozenPeer();
             FrozenPeer frozen2 = new FrozenPeer();
             WirePeer live = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(frozen1.address() + "," + frozen2.address() + ","
                     + live.address(), ejecting(50))) {
            AtomicInteger out = new AtomicInteger();
            AtomicInteger maxOut = new AtomicInteger();
            client.addRoutingListener(e -> {
                if (e.kind() == RoutingEvent.Kind.EJECTED) {
                    maxOut.accumulateAndGet(out.incrementAndGet(), Math::max);
                } else if (e.kind() == RoutingEvent.Kind.RETURNED) {
                    out.decrementAndGet();
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 3);
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            List<RpcFuture> calls = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                calls.add(async.call("hello", "n" + i));
                Thread.sleep(5); // offered rate
            }
            for (RpcFuture f : calls) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // timeouts on the frozen providers
                }
            }
            assertThat(maxOut.get()).as("most providers ejected at once, of 3 at 50%").isEqualTo(1);
        }
    }
}
