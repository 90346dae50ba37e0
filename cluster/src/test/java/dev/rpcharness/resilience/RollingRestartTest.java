package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.junit.Async;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** Every provider is restarted in turn while calls flow, as in a deployment. */
@WithRpcCluster(providers = 3, callTimeoutMs = 3_000)
class RollingRestartTest {

    private static final int CALLERS = 4;
    private static final int MAX_CALLS_PER_CALLER = 50_000;

    @Test
    void rollingRestartUnderLoadLosesNoCallThatWasNotInFlightOnAKilledConnection(
            RpcCluster cluster, EchoService echo, @Async(EchoService.class) AsyncObjectProxy async) throws Exception {
        ProviderCrashTest.warmUp(cluster, echo);
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ok = new LongAdder();
        Map<String, LongAdder> failuresByType = new ConcurrentHashMap<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                callers.execute(() -> {
                    for (int i = 0; i < MAX_CALLS_PER_CALLER && running.get(); i++) {
                        Throwable failure = Calls.outcome(async.call("echo", caller + "-" + i), Duration.ofSeconds(5));
                        if (failure == null) {
                            ok.increment();
                        } else {
                            failuresByType.computeIfAbsent(failure.getClass().getSimpleName(), k -> new LongAdder())
                                    .increment();
                            if (!(failure instanceof ConnectionLostException)) {
                                unexpected.add(failure);
                            }
                        }
                    }
                });
            }
            for (int i = 0; i < cluster.providers().size(); i++) {
                FakeProvider provider = cluster.provider(i);
                cluster.restart(i);
                long after = provider.stats().received();
                await().atMost(Duration.ofSeconds(10)).until(() -> provider.stats().received() > after);
            }
            AtomicLong okAtEnd = new AtomicLong(ok.sum());
            await().atMost(Duration.ofSeconds(5)).until(() -> ok.sum() > okAtEnd.get() + 100);
        } finally {
            running.set(false);
            callers.shutdown();
            assertThat(callers.awaitTermination(15, TimeUnit.SECONDS)).as("callers finished").isTrue();
        }
        cluster.record("rolling-restart-result", "load", "ok=" + ok.sum() + " failures=" + failuresByType);

        assertThat(unexpected).as("only calls in flight on a closed connection may fail").isEmpty();
        assertThat(ok.sum()).isPositive();
    }
}
