package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * How close an injected 20 ms delay comes to 20 ms, seen by a raw socket client and by the real consumer. The
 * figures are printed; only loose bounds are asserted (the machine is shared).
 */
class DelayAccuracyTest {

    private static final int CALLS = 150;
    private static final int WARMUP = 20;
    private static final Duration DELAY = Duration.ofMillis(20);

    private static FakeProvider delayedProvider() {
        return FakeProvider.builder().name("delay").serve(CatalogService.class, new CatalogServiceImpl())
                .faultPlan(FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(DELAY)))).build().start();
    }

    private static String summary(String who, long[] micros) {
        Arrays.sort(micros);
        double p50 = micros[micros.length / 2] / 1000.0;
        double p99 = micros[(int) Math.ceil(micros.length * 0.99) - 1] / 1000.0;
        double max = micros[micros.length - 1] / 1000.0;
        return String.format("%s: injected %d ms, %d calls: p50 %.2f ms, p99 %.2f ms, max %.2f ms", who,
                DELAY.toMillis(), micros.length, p50, p99, max);
    }

    @Test
    void rawSocketSeesTheInjectedDelay() throws Exception {
        try (FakeProvider provider = delayedProvider();
             WireClient wire = new WireClient(provider.host(), provider.port())) {
            long[] micros = new long[CALLS];
            for (int i = -WARMUP; i < CALLS; i++) {
                String id = Integer.toString(i + WARMUP);
                long t0 = System.nanoTime();
                wire.send(id, callBody(id, CatalogService.class.getName(), "hello", "[\"java.lang.String\"]",
                        "[\"x\"]"));
                wire.read(Duration.ofSeconds(5));
                if (i >= 0) {
                    micros[i] = (System.nanoTime() - t0) / 1_000;
                }
            }
            System.out.println(summary("raw socket", micros));
            Arrays.sort(micros);
            assertThat(micros[0]).as("no answer before the delay").isGreaterThanOrEqualTo(19_900);
            assertThat(micros[CALLS / 2]).as("median within a loose bound").isLessThan(60_000);
        }
    }

    @Test
    void consumerClientSeesTheInjectedDelay() throws Exception {
        try (FakeProvider provider = delayedProvider();
             ConsumerClient client = new ConsumerClient(provider.address(),
                     ConsumerOptions.builder().callTimeout(Duration.ofSeconds(5)).build())) {
            CatalogService catalog = client.create(CatalogService.class);
            long[] micros = new long[CALLS];
            for (int i = -WARMUP; i < CALLS; i++) {
                long t0 = System.nanoTime();
                catalog.hello("x");
                if (i >= 0) {
                    micros[i] = (System.nanoTime() - t0) / 1_000;
                }
            }
            System.out.println(summary("ConsumerClient", micros));
            Arrays.sort(micros);
            assertThat(micros[0]).isGreaterThanOrEqualTo(19_900);
            assertThat(micros[CALLS / 2]).isLessThan(60_000);
        }
    }
}
