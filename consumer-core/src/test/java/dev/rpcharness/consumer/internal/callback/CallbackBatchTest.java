package dev.rpcharness.consumer.internal.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The callbacks of one read batch, held on the I/O thread and handed to the owned threads together: they wait for
 * the release, run once each and in order on each thread, a blocked one holds up neither the rest of its batch nor later batches,
 * and none is lost (close, a hold whose end is never reported). Event loops stand in for the I/O threads.
 */
class CallbackBatchTest {

    private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(3);

    @AfterEach
    void stopLoops() {
        loops.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Runs {@code body} on {@code loop} and waits for it. */
    private static void onLoop(EventLoop loop, ThrowingRunnable body) throws Exception {
        Future<?> done = loop.submit(() -> {
            body.run();
            return null;
        });
        done.get(30, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aHoldIsItsExecutorsOnlyAnotherExecutorsCallbacksOnTheSameThreadGoToItsOwnPoolAtOnce() throws Exception {
        EventLoop loop = loops.next();
        CountDownLatch otherRan = new CountDownLatch(1);
        CountDownLatch heldRan = new CountDownLatch(1);
        List<String> otherThread = new CopyOnWriteArrayList<>();
        try (CallbackExecutor holder = new CallbackExecutor(null, 2, "cb-holder");
                CallbackExecutor other = new CallbackExecutor(null, 2, "cb-other")) {
            onLoop(loop, () -> {
                holder.hold(loop);
                holder.execute(heldRan::countDown);
                other.execute(() -> {
                    otherThread.add(Thread.currentThread().getName());
                    otherRan.countDown();
                });
                other.release(); // not its hold: nothing happens to the holder's batch
                // The other executor's callback is not in the holder's batch: it runs while the batch is held.
                assertThat(otherRan.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(heldRan.await(200, TimeUnit.MILLISECONDS)).isFalse();
                holder.release();
            });
            assertThat(heldRan.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(otherThread).singleElement().asString().startsWith("cb-other");
    }

    @Test
    void heldCallbacksWaitForTheReleaseThenRunOnceEachInOrderOnThePool() throws Exception {
        EventLoop loop = loops.next();
        List<Integer> order = new CopyOnWriteArrayList<>();
        Map<String, List<Integer>> byThread = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(500);
        try (CallbackExecutor executor = new CallbackExecutor(null, 2, "cb-batch")) {
            onLoop(loop, () -> {
                executor.hold(loop);
                for (int i = 0; i < 500; i++) {
                    int n = i;
                    executor.execute(() -> {
                        order.add(n);
                        byThread.computeIfAbsent(Thread.currentThread().getName(), t -> new CopyOnWriteArrayList<>())
                                .add(n);
                        all.countDown();
                    });
                }
                // Held: nothing runs before the release, however long the pool is given.
                assertThat(all.await(200, TimeUnit.MILLISECONDS)).isFalse();
                assertThat(order).isEmpty();
                executor.release();
            });
            assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(order).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 500).boxed().toList());
        // In order on each thread. (A drainer merely descheduled for over a millisecond on a busy machine looks
        // blocked: the watcher takes the rest of the batch over, and the callback it was in finishes beside them.)
        for (List<Integer> mine : byThread.values()) {
            assertThat(mine).isSorted();
        }
        assertThat(byThread.keySet()).allMatch(n -> n.startsWith("cb-batch"));
    }

    @Test
    void aBlockedCallbackHoldsUpNeitherTheRestOfItsBatchNorLaterBatches() throws Exception {
        EventLoop loop = loops.next();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicIntegerArray runs = new AtomicIntegerArray(1_000);
        CountDownLatch firstBatch = new CountDownLatch(500);
        CountDownLatch others = new CountDownLatch(1_000);
        try (CallbackExecutor executor = new CallbackExecutor(null, 2, "cb-batch-block")) {
            // One batch, nothing else queued: the watcher must see the rest of the blocked leader's batch.
            onLoop(loop, () -> {
                executor.hold(loop);
                executor.execute(() -> {
                    blocked.countDown();
                    awaitQuietly(release, 30);
                });
                for (int i = 0; i < 500; i++) {
                    int n = i;
                    executor.execute(() -> {
                        runs.incrementAndGet(n);
                        firstBatch.countDown();
                        others.countDown();
                    });
                }
                executor.release();
            });
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(firstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            onLoop(loop, () -> {
                executor.hold(loop);
                for (int i = 500; i < 1_000; i++) {
                    int n = i;
                    executor.execute(() -> {
                        runs.incrementAndGet(n);
                        others.countDown();
                    });
                }
                executor.release();
            });
            assertThat(others.await(10, TimeUnit.SECONDS)).isTrue();
            release.countDown();
        }
        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("callback %d", i).isEqualTo(1);
        }
    }

    @Test
    void closeRunsTheRestOfABatchWhoseThreadIsStillBlocked() throws Exception {
        EventLoop loop = loops.next();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(10);
        CallbackExecutor executor = new CallbackExecutor(null, 1, "cb-batch-close"); // one thread: no watcher
        try {
            onLoop(loop, () -> {
                executor.hold(loop);
                executor.execute(() -> {
                    blocked.countDown();
                    awaitQuietly(release, 5); // holds the one pool thread past close's wait
                });
                for (int i = 0; i < 10; i++) {
                    executor.execute(ran::countDown);
                }
                executor.release();
            });
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            executor.close();
            assertThat(ran.getCount()).isZero();
        } finally {
            release.countDown();
            executor.close();
        }
    }

    @Test
    void aHoldWhoseEndIsNeverReportedIsReleasedAtTheEndOfTheLoopsTurn() throws Exception {
        EventLoop loop = loops.next();
        CountDownLatch ran = new CountDownLatch(3);
        try (CallbackExecutor executor = new CallbackExecutor(null, 2, "cb-batch-turn")) {
            onLoop(loop, () -> {
                executor.hold(loop);
                for (int i = 0; i < 3; i++) {
                    executor.execute(ran::countDown);
                }
                // no release: the read batch's end never comes
            });
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aUsersExecutorGetsEachCallbackAtOnceEvenWhileHeld() throws Exception {
        EventLoop loop = loops.next();
        List<Runnable> given = new CopyOnWriteArrayList<>();
        try (CallbackExecutor executor = new CallbackExecutor(given::add, 2, "cb-batch-user")) {
            onLoop(loop, () -> {
                executor.hold(loop);
                executor.execute(() -> { });
                executor.execute(() -> { });
                assertThat(given).hasSize(2);
                executor.release();
            });
        }
        assertThat(given).hasSize(2);
    }

    @Test
    void batchesFromSeveralLoopsAndSingleCallbacksFromOtherThreadsEachRunExactlyOnce() throws Exception {
        int perProducer = 20_000;
        int producers = 4; // three loops handing over batches, one plain thread handing over callbacks alone
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        try (CallbackExecutor executor = new CallbackExecutor(null, 2, "cb-batch-many")) {
            Future<?>[] batches = new Future<?>[3];
            for (int p = 0; p < 3; p++) {
                EventLoop loop = loops.next();
                int base = p * perProducer;
                batches[p] = loop.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        if (i % (7 + base % 5) == 0) {
                            executor.hold(loop); // batches of varied sizes, released below or at the turn's end
                        }
                        int slot = base + i;
                        executor.execute(() -> {
                            runs.incrementAndGet(slot);
                            all.countDown();
                        });
                        if (i % 13 == 12) {
                            executor.release();
                        }
                    }
                    executor.release();
                });
            }
            Thread single = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    int slot = 3 * perProducer + i;
                    executor.execute(() -> {
                        runs.incrementAndGet(slot);
                        all.countDown();
                    });
                }
            }, "single-producer");
            single.start();
            for (Future<?> f : batches) {
                f.get(30, TimeUnit.SECONDS);
            }
            single.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        }
        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("callback %d", i).isEqualTo(1);
        }
    }

    private static void awaitQuietly(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
