package dev.rpcharness.consumer.internal.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.protocol.RpcJson;
import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One connection's deadlines: each call expires once, at or after its deadline, in deadline order; removal stops it. */
class DeadlineListTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final MethodMetadata hello = new ServiceMethods(HelloService.class, RpcJson.newMapper())
            .resolve("hello", new Object[] {"x"});

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private RpcCall call(long timeoutMillis) {
        RpcCall c = new RpcCall(hello, new byte[] {'[', ']'}, new RpcFuture(Runnable::run, System.nanoTime()),
                TimeUnit.SECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        c.startDeadline();
        return c;
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    @Test
    void callsExpireOnceEachNotBeforeTheirDeadlineInDeadlineOrderAndRemovedOnesNever() throws Exception {
        List<RpcCall> expired = Collections.synchronizedList(new ArrayList<>());
        List<Long> lateness = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(4);
        DeadlineList list = new DeadlineList(loop, c -> {
            lateness.add(System.nanoTime() - c.deadlineNanos());
            expired.add(c);
            all.countDown();
        });
        RpcCall late = call(400);
        RpcCall removed = call(150);
        RpcCall early = call(100); // added after a later one: inserted before it
        RpcCall middle = call(200);
        RpcCall restored = call(300);
        onLoop(() -> {
            list.add(late);
            list.add(removed);
            list.add(early);
            list.add(middle);
            list.add(restored);
            assertThat(list.remove(removed)).isTrue();
            assertThat(list.remove(removed)).isFalse();
            assertThat(list.remove(restored)).isTrue();
            list.restore(restored);
            return null;
        });
        assertThatThrownBy(() -> onLoop(() -> {
            list.add(early);
            return null;
        })).hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("already linked");
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(expired).containsExactly(early, middle, restored, late);
        assertThat(lateness).allMatch(l -> l >= 0);
        assertThat(onLoop(list::size)).isZero();
        Thread.sleep(50); // nothing more comes: the removed call never expires, none expires twice
        assertThat(expired).hasSize(4);
    }

    @Test
    void aLaterTimerIsBroughtForwardByAnEarlierDeadline() throws Exception {
        CountDownLatch early = new CountDownLatch(1);
        RpcCall first = call(60_000);
        RpcCall second = call(50);
        DeadlineList list = new DeadlineList(loop, c -> {
            if (c == second) {
                early.countDown();
            }
        });
        onLoop(() -> {
            list.add(first);
            list.add(second);
            return null;
        });
        assertThat(early.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(onLoop(list::size)).isEqualTo(1);
        onLoop(() -> list.remove(first));
    }

    /**
     * Calls that arrive with a deadline fixed elsewhere (moved off a connection that stopped taking writes) are
     * earlier than every call taken here since. They must not cost a walk over the calls linked here: a walk per
     * call is quadratic in the calls in flight (20,000 each way made a two-connection client stop answering).
     * Counted in steps, not timed.
     */
    @Test
    void callsMovedHereWithEarlierDeadlinesAreLinkedWithoutWalkingTheList() throws Exception {
        int n = 20_000;
        List<RpcCall> moved = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            moved.add(call(60_000));
        }
        List<RpcCall> fresh = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fresh.add(call(60_000));
        }
        DeadlineList list = new DeadlineList(loop, c -> { });
        long steps = onLoop(() -> {
            fresh.forEach(list::add);
            moved.forEach(list::add);
            long taken = list.steps;
            moved.forEach(list::remove);
            fresh.forEach(list::remove);
            return taken;
        });
        long bound = 2L * n * (64 - Long.numberOfLeadingZeros(2L * n)); // O(n log n)
        assertThat(steps).as("steps to link %d moved calls behind %d fresh ones", n, n).isLessThan(bound);
        assertThat(onLoop(list::size)).isZero();
    }

    @Test
    void inAnyOrderOfAddingAndRemovingTheCallsLeftExpireOnceEachInDeadlineOrder() throws Exception {
        java.util.Random random = new java.util.Random(42);
        List<RpcCall> calls = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            calls.add(call(50 + random.nextInt(250)));
        }
        List<RpcCall> removed = new ArrayList<>();
        List<RpcCall> expired = Collections.synchronizedList(new ArrayList<>());
        DeadlineList list = new DeadlineList(loop, expired::add);
        onLoop(() -> {
            for (RpcCall c : calls) {
                list.add(c);
                if (random.nextInt(3) == 0) {
                    RpcCall victim = calls.get(random.nextInt(calls.indexOf(c) + 1));
                    if (list.remove(victim)) {
                        removed.add(victim);
                    }
                }
            }
            return null;
        });
        List<RpcCall> expected = new ArrayList<>(calls);
        expected.removeAll(removed);
        await().atMost(Duration.ofSeconds(10)).until(() -> expired.size() >= expected.size());
        Thread.sleep(50); // nothing more comes: removed calls never expire, none expires twice
        assertThat(removed).isNotEmpty();
        assertThat(expired).containsExactlyInAnyOrderElementsOf(expected)
                .isSortedAccordingTo(java.util.Comparator.comparingLong(RpcCall::deadlineNanos));
        assertThat(onLoop(list::size)).isZero();
    }
}
