package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How exactly an injected delay shows up at the client: a fixed 20 ms latency, measured end to end through the
 * real client, next to the same calls without delay. Prints the percentiles; asserts only what a noisy shared
 * machine cannot break.
 */
@WithRpcCluster(providers = 1)
class InjectedDelayAccuracyTest {

    private static final Logger log = LoggerFactory.getLogger(InjectedDelayAccuracyTest.class);
    private static final int CALLS = 300;

    @Test
    void fixedTwentyMillisecondDelayArrivesAboutTwentyMillisecondsLate(RpcCluster cluster, EchoService echo) {
        for (int i = 0; i < 100; i++) {
            echo.echo("warm-up");
        }
        long[] baseline = measure(echo);
        cluster.faultPlan(0, FaultPlan.builder().rule(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(20))))
                .build());
        long[] delayed = measure(echo);

        String figures = String.format("20 ms injected delay, %d sequential calls: p50=%.2f ms p99=%.2f ms max=%.2f ms;"
                        + " without delay: p50=%.2f ms p99=%.2f ms", CALLS, ms(delayed, 0.50), ms(delayed, 0.99),
                ms(delayed, 1.0), ms(baseline, 0.50), ms(baseline, 0.99));
        log.info(figures);
        cluster.record("delay-accuracy", "p0", figures);

        assertThat(ms(delayed, 0.0)).as("never early").isGreaterThanOrEqualTo(19.5);
        assertThat(ms(delayed, 0.50)).as("median close to 20 ms").isLessThan(35.0);
    }

    private static long[] measure(EchoService echo) {
        long[] nanos = new long[CALLS];
        for (int i = 0; i < CALLS; i++) {
            long start = System.nanoTime();
            echo.echo("m");
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static double ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
        return sorted[index] / 1_000_000.0;
    }
}
