package dev.rpcharness.consumer.internal.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The owned threads' batched hand-off: every callback runs once, on the pool, and a blocked one holds up no other
 * (the watcher hands the queue to another thread).
 */
class CallbackExecutorTest {

    @Test
    void everyCallbackFromManyThreadsRunsExactlyOnceOnThePoolsThreads() throws Exception {
        int producers = 4;
        int each = 20_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * each);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(producers * each);
        try (CallbackExecutor executor = new CallbackExecutor(null, 2, "cb-test")) {
            Thread[] started = new Thread[producers];
            for (int p = 0; p < producers; p++) {
                int base = p * each;
                started[p] = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        int slot = base + i;
                        executor.execute(() -> {
                            runs.incrementAndGet(slot);
                            threads.add(Thread.currentThread().getName());
                            all.countDown();
                        });
                    }
                }, "producer-" + p);
                started[p].start();
            }
            for (Thread t : started) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        }
        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("callback %d", i).isEqualTo(1);
        }
        assertThat(threads).allMatch(n -> n.startsWith("cb-test"));
    }

    @Test
    void aBlockedCallbackHoldsUpNoOtherCallback() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch others = new CountDownLatch(1_000);
        try (CallbackExecutor executor = new CallbackExecutor(null, 2, "cb-block")) {
            executor.execute(() -> {
                blocked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 1_000; i++) {
                executor.execute(others::countDown);
            }
            assertThat(others.await(10, TimeUnit.SECONDS)).isTrue();
            release.countDown();
        }
    }

    @Test
    void callbacksBlockedForGoodInSeveralThreadsLeaveTheRestRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(2);
        CountDownLatch others = new CountDownLatch(1_000);
        try (CallbackExecutor executor = new CallbackExecutor(null, 4, "cb-block2")) {
            for (int b = 0; b < 2; b++) {
                executor.execute(() -> {
                    blocked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            // The second blocker waits behind the first until the watcher takes the queue over.
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 1_000; i++) {
                executor.execute(others::countDown);
            }
            assertThat(others.await(10, TimeUnit.SECONDS)).isTrue();
            release.countDown();
        }
    }

    @Test
    void callbacksAfterAnIdleSpellStillRun() throws Exception {
        try (CallbackExecutor executor = new CallbackExecutor(null, 2, "cb-idle")) {
            for (int round = 0; round < 3; round++) {
                CountDownLatch ran = new CountDownLatch(100);
                for (int i = 0; i < 100; i++) {
                    executor.execute(ran::countDown);
                }
                assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(100); // long enough for the drainer and the watcher to park for good
            }
            // A blocked callback after the idle spell is still noticed by the watcher.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch after = new CountDownLatch(1);
            executor.execute(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            executor.execute(after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
            release.countDown();
        }
    }

    @Test
    void executeAfterCloseRejects() {
        CallbackExecutor executor = new CallbackExecutor(null, 2, "cb-closed");
        executor.close();
        assertThatThrownBy(() -> executor.execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("cb-closed");
    }

    @Test
    void closeRunsWhatIsStillQueued() {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(10);
        CallbackExecutor executor = new CallbackExecutor(null, 1, "cb-close");
        executor.execute(() -> {
            try {
                release.await(2, TimeUnit.SECONDS); // holds the one pool thread past close's wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 10; i++) {
            executor.execute(ran::countDown);
        }
        executor.close();
        release.countDown();
        assertThat(ran.getCount()).isZero();
    }
}
