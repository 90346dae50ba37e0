package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.protocol.RpcError;
import dev.rpcharness.protocol.RpcResponse;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The future on its own: ends exactly once, reports like a Future, runs each callback once. */
class RpcFutureTest {

    private static final Executor DIRECT = Runnable::run;

    private static final class Calls implements AsyncRpcCallback {
        final List<Object> seen = new CopyOnWriteArrayList<>();

        @Override
        public void success(Object result) {
            seen.add("ok:" + result);
        }

        @Override
        public void fail(Exception e) {
            seen.add("fail:" + e.getClass().getSimpleName());
        }
    }

    @Test
    void endsExactlyOnceWhateverComesLater() throws Exception {
        AtomicInteger ends = new AtomicInteger();
        RpcFuture future = new RpcFuture(DIRECT, System.nanoTime(), ends::incrementAndGet);
        Calls calls = new Calls();
        future.addCallback(calls);
        assertThat(future.complete("first")).isTrue();
        assertThat(future.fail(new RpcTimeoutException("late"))).isFalse();
        assertThat(future.complete("second")).isFalse();
        assertThat(future.get()).isEqualTo("first");
        assertThat(calls.seen).containsExactly("ok:first");
        assertThat(ends).hasValue(1);
        assertThat(future.endNanos()).isGreaterThanOrEqualTo(future.startNanos());
    }

    @Test
    void callbackAddedAfterTheEndRunsOnceToo() {
        RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
        future.fail(new ConnectionLostException("gone"));
        Calls calls = new Calls();
        future.addCallback(calls);
        assertThat(calls.seen).containsExactly("fail:ConnectionLostException");
    }

    @Test
    void noneOneOrManyCallbacksEachRunOnceInTheOrderAdded() {
        List<Object> order = new CopyOnWriteArrayList<>();
        for (int n = 0; n <= 4; n++) {
            order.clear();
            RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
            for (int i = 0; i < n; i++) {
                int index = i;
                future.addCallback(new AsyncRpcCallback() {
                    @Override
                    public void success(Object result) {
                        order.add(index + ":" + result);
                    }

                    @Override
                    public void fail(Exception e) {
                        order.add(index + ":fail");
                    }
                });
            }
            future.complete("r");
            future.complete("again");
            List<Object> expected = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(i + ":r");
            }
            assertThat(order).as("%d callbacks", n).containsExactlyElementsOf(expected);
        }
        assertThatThrownBy(() -> new RpcFuture(DIRECT, System.nanoTime()).addCallback(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("callback");
    }

    @Test
    void threadsWaitingInGetAreReleasedByTheEndAndAnInterruptEndsAWait() throws Exception {
        RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
        List<Object> got = new CopyOnWriteArrayList<>();
        Thread plain = new Thread(() -> got.add(getOrError(future::get)));
        Thread timed = new Thread(() -> got.add(getOrError(() -> future.get(60, TimeUnit.SECONDS))));
        Thread interrupted = new Thread(() -> got.add(getOrError(future::get)));
        for (Thread t : List.of(plain, timed, interrupted)) {
            t.start();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                plain.getState() == Thread.State.WAITING && timed.getState() == Thread.State.TIMED_WAITING
                        && interrupted.getState() == Thread.State.WAITING);
        interrupted.interrupt();
        interrupted.join(10_000);
        assertThat(got).containsExactly("InterruptedException");
        future.complete("v");
        plain.join(10_000);
        timed.join(10_000);
        assertThat(got).containsExactlyInAnyOrder("InterruptedException", "v", "v");
    }

    private interface Getter {
        Object get() throws Exception;
    }

    private static Object getOrError(Getter getter) {
        try {
            return getter.get();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    @Test
    void doneWithAnErrorResponseFailsWithTheRemoteType() {
        RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
        future.done(RpcResponse.failure("1", new RpcError("java.io.IOException", "disk")));
        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RemoteInvocationException.class,
                        e -> assertThat(e.remoteType()).isEqualTo("java.io.IOException"));
    }

    @Test
    void getWithTimeoutThrowsTimeoutExceptionWhileRunning() {
        RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
        assertThatThrownBy(() -> future.get(10, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(future.isDone()).isFalse();
        assertThat(future.endNanos()).isZero();
    }

    @Test
    void blockedGetIsReleasedByCompletionOnAnotherThread() throws Exception {
        RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
        CountDownLatch waiting = new CountDownLatch(1);
        Thread completer = new Thread(() -> {
            try {
                waiting.await();
            } catch (InterruptedException e) {
                return;
            }
            future.complete(7);
        });
        completer.start();
        waiting.countDown();
        assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo(7);
        completer.join();
    }

    @Test
    void cancelEndsTheCallWithCancellation() {
        RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
        assertThat(future.cancel(true)).isTrue();
        assertThat(future.isCancelled()).isTrue();
        assertThatThrownBy(future::get).isInstanceOf(CancellationException.class);
        assertThat(future.complete("late")).isFalse();
    }

    @Test
    void completableFutureBridgeFollowsTheCall() throws Exception {
        RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
        var bridge = future.toCompletableFuture();
        future.fail(new RpcTimeoutException("slow"));
        assertThat(bridge).isCompletedExceptionally();
        assertThatThrownBy(bridge::get).hasCauseInstanceOf(RpcTimeoutException.class);
    }

    @Test
    void callbacksAddedWhileTheCallEndsOnAnotherThreadEachRunExactlyOnce() throws Exception {
        int rounds = 2_000;
        int adders = 3;
        for (int r = 0; r < rounds; r++) {
            RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] threads = new Thread[adders];
            for (int t = 0; t < adders; t++) {
                threads[t] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int k = 0; k < 4; k++) {
                        future.addCallback(new AsyncRpcCallback() {
                            @Override
                            public void success(Object result) {
                                runs.incrementAndGet();
                            }

                            @Override
                            public void fail(Exception e) {
                                throw new AssertionError("the call succeeded", e);
                            }
                        });
                    }
                });
                threads[t].start();
            }
            go.countDown();
            future.complete(r);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(runs.get()).as("round %d", r).isEqualTo(adders * 4);
        }
    }

    @Test
    void aWaiterThatArrivesAsTheCallEndsIsNeverLeftWaiting() throws Exception {
        for (int r = 0; r < 2_000; r++) {
            RpcFuture future = new RpcFuture(DIRECT, System.nanoTime());
            CountDownLatch go = new CountDownLatch(1);
            Thread ender = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                future.complete("x");
            });
            ender.start();
            go.countDown();
            assertThat(future.get(5, TimeUnit.SECONDS)).as("round %d", r).isEqualTo("x");
            ender.join();
        }
    }
}
