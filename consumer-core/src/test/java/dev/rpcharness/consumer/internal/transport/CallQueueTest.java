package dev.rpcharness.consumer.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.internal.call.DeadlineList;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.protocol.RpcJson;
import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection's unsent calls: moved elsewhere a bounded batch at a time, oldest first, the rest kept in order. */
class CallQueueTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final MethodMetadata hello = new ServiceMethods(HelloService.class, RpcJson.newMapper())
            .resolve("hello", new Object[] {"x"});

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private RpcCall call() {
        return new RpcCall(hello, new byte[] {'[', ']'}, new RpcFuture(Runnable::run, System.nanoTime()),
                TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(60));
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    @Test
    void movesAtMostOneBatchOldestFirstAndSaysWhenCallsAreLeft() throws Exception {
        DeadlineList deadlines = new DeadlineList(loop, c -> { });
        CallQueue queue = new CallQueue(deadlines);
        List<RpcCall> calls = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            calls.add(call());
            queue.offer(calls.get(i));
        }
        List<RpcCall> moved = new ArrayList<>();
        List<Boolean> more = onLoop(() -> {
            queue.admit(System.nanoTime());
            List<Boolean> m = new ArrayList<>();
            m.add(queue.moveTo(moved::add, 256));
            int[] offered = {0};
            m.add(queue.moveTo(c -> offered[0]++ % 2 == 0 && moved.add(c), 256)); // takes every other one
            return m;
        });
        assertThat(more).containsExactly(true, true);
        assertThat(moved.subList(0, 256)).containsExactlyElementsOf(calls.subList(0, 256));
        assertThat(moved).hasSize(256 + 128);
        assertThat(onLoop(queue::size)).isEqualTo(600 - 256 - 128);
        assertThat(onLoop(deadlines::size)).as("calls left keep their deadline").isEqualTo(600 - 256 - 128);
        assertThat(onLoop(() -> queue.moveTo(moved::add, 1_000))).isFalse();
        assertThat(moved).hasSize(600);
        assertThat(onLoop(queue::isEmpty)).isTrue();
        assertThat(onLoop(deadlines::size)).isZero();
        assertThat(moved).doesNotHaveDuplicates();
    }
}
