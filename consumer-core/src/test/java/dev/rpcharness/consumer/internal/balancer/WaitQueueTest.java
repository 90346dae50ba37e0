package dev.rpcharness.consumer.internal.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.NoProviderException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.protocol.RpcJson;
import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wait-for-ready queue: one budget per call however often it waits, O(1) removal, close fails all. */
class WaitQueueTest {

    private final DefaultEventLoop timers = new DefaultEventLoop();
    private final MethodMetadata hello = new ServiceMethods(HelloService.class, RpcJson.newMapper())
            .resolve("hello", new Object[] {"x"});

    @AfterEach
    void stop() {
        timers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private RpcCall callStartedAgo(long agoMillis, long budgetMillis) {
        long start = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(agoMillis);
        return new RpcCall(hello, new byte[] {'[', ']'}, new RpcFuture(Runnable::run, start),
                TimeUnit.MILLISECONDS.toNanos(budgetMillis), TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void aCallThatWaitsAgainKeepsWhatIsLeftOfItsOneBudget() throws Exception {
        WaitQueue queue = new WaitQueue(timers, 10_000);
        // It waited 9.9 s of its 10 s budget already (an earlier wait, then a connection that went away).
        RpcCall call = callStartedAgo(9_900, 10_000);
        long parkedAt = System.nanoTime();
        queue.park(call, () -> Picker.EMPTY);
        try {
            call.future().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expected) {
            assertThat(expected.getCause()).isInstanceOf(NoProviderException.class);
        }
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(call.future().endNanos() - parkedAt);
        assertThat(waitedMillis).as("waited after the second park (a fresh budget would be 10,000 ms)")
                .isLessThan(5_000);
        assertThat(queue.size()).isZero();
    }

    @Test
    void aCallWhoseBudgetIsSpentFailsAtOnceAndAnAbandonedOneLeaves() {
        WaitQueue queue = new WaitQueue(timers, 100);
        RpcCall spent = callStartedAgo(500, 100);
        queue.park(spent, () -> Picker.EMPTY);
        assertThat(spent.future().failure()).isInstanceOf(NoProviderException.class);
        RpcCall waiting = callStartedAgo(0, 60_000);
        queue.park(waiting, () -> Picker.EMPTY);
        assertThat(queue.size()).isEqualTo(1);
        waiting.future().cancel(false);
        queue.remove(waiting);
        assertThat(queue.size()).isZero();
        RpcCall atClose = callStartedAgo(0, 60_000);
        queue.park(atClose, () -> Picker.EMPTY);
        queue.close();
        assertThat(atClose.future().failure()).hasMessageContaining("client closed");
    }
}
