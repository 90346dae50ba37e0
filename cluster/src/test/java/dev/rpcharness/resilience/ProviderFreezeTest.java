package dev.rpcharness.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.junit.Async;
import dev.rpcharness.junit.WithRpcCluster;
import dev.rpcharness.provider.demo.EchoService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A provider stops answering with its sockets open, like a long GC pause. */
@WithRpcCluster(providers = 1, callTimeoutMs = 500)
class ProviderFreezeTest {

    @Test
    void frozenProviderCallsTimeOutAtTheCallTimeoutAndNothingHangs(
            RpcCluster cluster, EchoService echo, @Async(EchoService.class) AsyncObjectProxy async) {
        assertThat(echo.echo("warm-up")).isEqualTo("warm-up");
        cluster.freeze(0);

        long start = System.nanoTime();
        assertThatThrownBy(() -> echo.echo("frozen")).isInstanceOf(RpcTimeoutException.class)
                .hasMessageContaining("500 ms");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(tookMs).as("at the call timeout, not before, not much later").isBetween(450L, 3_000L);

        List<RpcFuture> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(async.call("echo", "frozen-" + i));
        }
        for (RpcFuture future : futures) {
            assertThat(Calls.outcome(future, Duration.ofSeconds(5))).isInstanceOf(RpcTimeoutException.class);
        }

        cluster.thaw(0);
        await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(RpcTimeoutException.class)
                .until(() -> "thawed".equals(echo.echo("thawed")));
    }
}
