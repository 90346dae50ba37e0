package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The requests a connection writes together go out in chunks of a few KiB: whatever their sizes (small ones,
 * ones about a chunk, ones larger than a chunk) each arrives whole and in order, and each call gets its own answer.
 */
class RequestChunksTest {

    @Test
    void requestsOfEverySizeWrittenTogetherEachArriveWholeAndGetTheirOwnAnswer() throws Exception {
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(peer.address(), ConsumerOptions.builder()
                     .connectionsPerProvider(1).callTimeout(Duration.ofSeconds(20)).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            assertThat(async.call("hello", "warm").get(10, TimeUnit.SECONDS)).isEqualTo("Hello warm");
            int[] sizes = {1, 7_000, 8_100, 8_192, 20_000, 3, 300, 65_000, 12};
            List<String> names = new ArrayList<>();
            List<RpcFuture> futures = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                for (int size : sizes) {
                    String name = round + "-" + "x".repeat(size);
                    names.add(name);
                    futures.add(async.call("hello", name));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get(20, TimeUnit.SECONDS)).isEqualTo("Hello " + names.get(i));
            }
            assertThat(client.pendingCalls()).isZero();
        }
    }
}
