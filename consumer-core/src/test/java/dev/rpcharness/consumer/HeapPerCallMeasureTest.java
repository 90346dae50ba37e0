package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.testing.FrozenPeer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Measures and prints the heap a call in flight costs: calls parked on a frozen provider (it never reads), heap
 * used after GC with them minus before, divided by their count; and so how many calls in flight fit in 256 MB.
 * It starts exactly the default maxCallsInFlight; the only assertion is that bound: one more fails at once. The
 * figure varies between runs (about 350 to 950 bytes for a small call), as heap-after-GC readings do.
 */
class HeapPerCallMeasureTest {

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50); // let the collector settle; this is a measure, not a synchronisation
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void heapPerCallInFlightOnAFrozenProvider() throws Exception {
        int calls = ConsumerOptions.defaults().maxCallsInFlight(); // the default bound
        try (FrozenPeer frozen = new FrozenPeer();
             ConsumerClient client = new ConsumerClient(frozen.address(), ConsumerOptions.builder()
                     .callTimeout(Duration.ofSeconds(120)).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            List<RpcFuture> futures = new ArrayList<>(calls + 1);
            long before = usedAfterGc();
            for (int i = 0; i < calls; i++) {
                futures.add(async.call("hello", "name-" + i));
            }
            long after = usedAfterGc();
            RpcFuture over = async.call("hello", "over the bound");
            long perCall = (after - before) / calls;
            System.out.printf("HEAP-PER-CALL calls=%d heapBefore=%d heapAfter=%d perCall=%d bytes; "
                            + "calls in flight that fit in 256 MB: %d%n", calls, before, after, perCall,
                    perCall <= 0 ? -1 : (256L << 20) / perCall);
            assertThat(client.pendingCalls()).isEqualTo(calls);
            assertThat(over.failure()).isInstanceOf(OverloadException.class);
            assertThat(futures).hasSize(calls);
        }
    }
}
