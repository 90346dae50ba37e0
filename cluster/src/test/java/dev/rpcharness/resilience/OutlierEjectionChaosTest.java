package dev.rpcharness.resilience;

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
import dev.rpcharness.run.TimelineEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failure-aware routing under real chaos: a frozen provider and a slow one are ejected by the client's outlier
 * detection, and new calls stop going to them while their ZooKeeper nodes are still registered (long before any
 * session expiry would delist them). The ejection is on the cluster's timeline.
 */
class OutlierEjectionChaosTest {

    private static final ConsumerOptions OPTIONS = ConsumerOptions.builder().callTimeout(Duration.ofSeconds(1))
            .outlierConsecutiveFailures(3).outlierEjectionTime(Duration.ofSeconds(20), Duration.ofSeconds(30))
            .build();

    @Test
    void frozenProviderIsEjectedAndGetsNoNewCallsWhileStillRegistered() throws Exception {
        provesEjection(cluster -> cluster.freeze(0), "freeze");
    }

    @Test
    void slowProviderIsEjectedAndGetsNoNewCallsWhileStillRegistered() throws Exception {
        provesEjection(cluster -> cluster.faultPlan(0,
                FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(Duration.ofSeconds(3))))), "slow");
    }

    private interface Chaos {
        void on(RpcCluster cluster);
    }

    private void provesEjection(Chaos chaos, String name) throws Exception {
        try (RpcCluster cluster = RpcCluster.builder().providers(3).clientOptions(OPTIONS)
                .serve(EchoService.class, () -> text -> text).build()) {
            ConsumerClient client = cluster.newClient();
            await().atMost(Duration.ofSeconds(15)).until(() -> client.connectedProviders().size() == 3);
            String bad = cluster.provider(0).address();
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            EchoService echo = client.create(EchoService.class);
            for (int i = 0; i < 60; i++) {
                echo.echo("warm-up " + i); // a cold JVM's first calls are slow; the chaos starts warm
            }
            assertThat(client.ejectedProviders()).isEmpty();
            long chaosAt = System.nanoTime();
            chaos.on(cluster);
            List<RpcFuture> calls = new ArrayList<>();
            List<Long> startedAt = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Optional<TimelineEvent> ejected = Optional.empty();
            long stopAt = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(until, stopAt)) {
                startedAt.add(System.nanoTime());
                calls.add(async.call("echo", "n" + calls.size()));
                Thread.sleep(5); // the offered rate, not a synchronisation
                if (ejected.isEmpty()) {
                    ejected = cluster.timeline().events("client-ejected").stream()
                            .filter(e -> e.detail().startsWith(bad + " ")).findFirst(); // subject p<i>, detail "address why"
                    if (ejected.isPresent()) {
                        stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); // two more seconds of load
                    }
                }
            }
            assertThat(ejected).as("%s provider ejected", name).isPresent();
            long ejectedAt = ejected.get().monotonicNanos();
            int failedOnBad = 0;
            int toBadAfterEjection = 0;
            int afterEjection = 0;
            for (int i = 0; i < calls.size(); i++) {
                RpcFuture f = calls.get(i);
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    if (bad.equals(f.providerAddress())) {
                        failedOnBad++;
                    }
                }
                if (startedAt.get(i) > ejectedAt + TimeUnit.MILLISECONDS.toNanos(20)) {
                    afterEjection++;
                    if (bad.equals(f.providerAddress())) {
                        toBadAfterEjection++;
                    }
                }
            }
            System.out.printf("EJECTION-%s chaosToEjectionMs=%d failedOnBad=%d callsAfterEjection=%d "
                            + "toBadAfterEjection=%d%n", name, TimeUnit.NANOSECONDS.toMillis(ejectedAt - chaosAt),
                    failedOnBad, afterEjection, toBadAfterEjection);
            assertThat(afterEjection).isPositive();
            assertThat(toBadAfterEjection).as("calls routed to the ejected provider").isZero();
            assertThat(cluster.registeredProviders()).as("still registered: no session expiry involved")
                    .contains(bad);
            if (name.equals("freeze")) {
                cluster.thaw(0);
            }
        }
    }
}
