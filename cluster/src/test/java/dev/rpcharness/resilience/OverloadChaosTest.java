package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.OverloadException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.provider.demo.EchoService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client's overload bound and backpressure against a frozen fake provider (it stops reading; its sockets stay
 * open): calls past maxCallsInFlight fail at once, and requests of calls that ended are not delivered when the
 * provider thaws.
 */
class OverloadChaosTest {

    @Test
    void frozenProviderAtAHighOfferedRateHoldsAtMostMaxCallsInFlight() throws Exception {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofSeconds(2))
                .maxCallsInFlight(500).outlierConsecutiveFailures(0).build();
        try (RpcCluster cluster = RpcCluster.builder().providers(1).clientOptions(options)
                .serve(EchoService.class, () -> text -> text).build()) {
            ConsumerClient client = cluster.newClient();
            EchoService echo = client.create(EchoService.class);
            assertThat(echo.echo("warm")).isEqualTo("warm");
            cluster.freeze(0);
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> calls = new ArrayList<>();
            int overloadedAtOnce = 0;
            for (int i = 0; i < 2_000; i++) {
                RpcFuture f = async.call("echo", "n" + i);
                if (f.isDone() && f.failure() instanceof OverloadException) {
                    overloadedAtOnce++;
                }
                calls.add(f);
                assertThat(client.pendingCalls()).isLessThanOrEqualTo(500);
            }
            assertThat(overloadedAtOnce).isGreaterThanOrEqualTo(1_500);
            int timedOut = 0;
            for (RpcFuture f : calls) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    if (f.failure() instanceof RpcTimeoutException) {
                        timedOut++;
                    }
                }
            }
            assertThat(timedOut).isEqualTo(2_000 - overloadedAtOnce);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.pendingCalls() == 0);
            cluster.thaw(0);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "back".equals(echo.echo("back")));
        }
    }

    @Test
    void callsOfAFrozenProviderWaitUnsentAndAreNeverDeliveredAfterTheyEnded() throws Exception {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofMillis(500))
                .outlierConsecutiveFailures(0).build();
        String big = "z".repeat(200_000);
        int calls = 200;
        try (RpcCluster cluster = RpcCluster.builder().providers(1).clientOptions(options)
                .serve(EchoService.class, () -> text -> text).build()) {
            ConsumerClient client = cluster.newClient();
            EchoService echo = client.create(EchoService.class);
            assertThat(echo.echo("warm")).isEqualTo("warm");
            long receivedBefore = cluster.provider(0).stats().received();
            cluster.freeze(0);
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                futures.add(async.call("echo", big));
            }
            for (RpcFuture f : futures) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    assertThat(f.failure()).isInstanceOf(RpcTimeoutException.class);
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> client.pendingCalls() == 0);
            cluster.thaw(0);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "back".equals(echo.echo("back")));
            long deliveredAfterThaw = cluster.provider(0).stats().received() - receivedBefore - 1;
            System.out.printf("FROZEN-FAKE calls=%d of %d bytes, requests the provider read after the thaw=%d%n",
                    calls, big.length(), deliveredAfterThaw);
            assertThat(deliveredAfterThaw).as("requests of ended calls delivered after the thaw, of %d", calls)
                    .isLessThan(calls / 2);
        }
    }
}
