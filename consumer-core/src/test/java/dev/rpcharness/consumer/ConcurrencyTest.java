package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Behaviour 14: thousands of concurrent calls from many threads each get their own result. */
class ConcurrencyTest {

    @Test
    void thousandsOfConcurrentCallsEachGetTheirOwnResult() throws Exception {
        try (WirePeer first = new WirePeer(new HelloServiceImpl()).start();
             WirePeer second = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(first.address() + "," + second.address(),
                     ConsumerOptions.builder().connectionsPerProvider(2).callTimeout(Duration.ofSeconds(20))
                             .providerWaitTimeout(Duration.ofSeconds(10)).build())) {
            HelloService hello = client.create(HelloService.class);
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            int threads = 16;
            int callsPerThread = 250;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger mismatches = new AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    go.await();
                    List<RpcFuture> futures = new ArrayList<>();
                    for (int i = 0; i < callsPerThread; i++) {
                        if (i % 2 == 0) {
                            int expected = thread * 100_000 + i;
                            if (hello.add(thread * 100_000, i) != expected) {
                                mismatches.incrementAndGet();
                            }
                        } else {
                            futures.add(async.call("hello", thread + ":" + i));
                        }
                    }
                    for (int i = 0; i < futures.size(); i++) {
                        Object result = futures.get(i).get(20, TimeUnit.SECONDS);
                        if (!("Hello " + thread + ":" + (2 * i + 1)).equals(result)) {
                            mismatches.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
            assertThat(mismatches).hasValue(0);
            assertThat(first.received() + second.received()).isEqualTo(threads * callsPerThread);
            // Both providers took a share (the exact split depends on when each connection became ready).
            assertThat(first.received()).isPositive();
            assertThat(second.received()).isPositive();
            assertThat(client.pendingCalls()).isZero();
        }
    }
}
