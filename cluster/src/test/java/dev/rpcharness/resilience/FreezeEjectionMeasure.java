package dev.rpcharness.resilience;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.provider.demo.EchoService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Measures, not asserts: three providers, a steady async load, provider 0 frozen two seconds in. Prints the time
 * from the freeze to its first ejection (the client's routing event on the cluster timeline), to the last call
 * sent to the frozen provider (probes after a cool-down included), and the calls that failed on it. Not part of {@code mvn verify} (no *Test suffix); run with
 * {@code mvn -B -ntp -o -pl cluster -am verify -Dtest=FreezeEjectionMeasure -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class FreezeEjectionMeasure {

    private static final long RUN_MS = 10_000;
    private static final long FREEZE_AT_MS = 2_000;
    private static final long PERIOD_MS = 5;

    @Test
    void freezeOneOfThreeProvidersUnderSteadyLoad() throws Exception {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofMillis(500)).build();
        try (RpcCluster cluster = RpcCluster.builder().providers(3).clientOptions(options)
                .serve(EchoService.class, () -> text -> text).build()) {
            ConsumerClient client = cluster.newClient();
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            for (int i = 0; i < 30; i++) {
                try {
                    async.call("echo", "warm-" + i).get(5, TimeUnit.SECONDS);
                } catch (Exception coldStart) {
                    // the first calls of a cold JVM may time out; the measure starts after the warm-up
                }
            }
            String frozen = cluster.provider(0).address();
            List<RpcFuture> calls = new ArrayList<>();
            List<Long> sentAt = new ArrayList<>();
            long start = System.nanoTime();
            long freezeNanos = 0;
            for (long n = 0; ; n++) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(n * PERIOD_MS);
                long now = System.nanoTime();
                if (now - start > TimeUnit.MILLISECONDS.toNanos(RUN_MS)) {
                    break;
                }
                if (due > now) {
                    TimeUnit.NANOSECONDS.sleep(due - now);
                }
                if (freezeNanos == 0 && System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(FREEZE_AT_MS)) {
                    cluster.freeze(0);
                    freezeNanos = System.nanoTime();
                }
                sentAt.add(System.nanoTime());
                calls.add(async.call("echo", "n" + n));
            }
            long lastToFrozen = 0;
            int failedOnFrozen = 0;
            int failedInAll = 0;
            int afterFreezeToFrozen = 0;
            for (int i = 0; i < calls.size(); i++) {
                RpcFuture f = calls.get(i);
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    failedInAll++;
                }
                if (frozen.equals(f.providerAddress())) {
                    if (f.isFailed()) {
                        failedOnFrozen++;
                    }
                    if (sentAt.get(i) > freezeNanos) {
                        afterFreezeToFrozen++;
                        lastToFrozen = Math.max(lastToFrozen, sentAt.get(i));
                    }
                }
            }
            long freezeToLastMs = lastToFrozen == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(lastToFrozen - freezeNanos);
            long freezeAt = freezeNanos;
            String ejection = cluster.timeline().events("client-ejected").stream()
                    .filter(e -> e.detail().startsWith(frozen + " ")).findFirst()
                    .map(e -> TimeUnit.NANOSECONDS.toMillis(e.monotonicNanos() - freezeAt) + " ms")
                    .orElse("never");
            System.out.printf("FREEZE-MEASURE freezeToFirstEjection=%s%n", ejection);
            System.out.printf("FREEZE-MEASURE calls=%d failed=%d failedOnFrozen=%d sentToFrozenAfterFreeze=%d "
                            + "freezeToLastCallSentToFrozenMs=%d (run %d ms, freeze at %d ms)%n",
                    calls.size(), failedInAll, failedOnFrozen, afterFreezeToFrozen, freezeToLastMs,
                    RUN_MS, FREEZE_AT_MS);
            cluster.thaw(0);
        }
    }
}
