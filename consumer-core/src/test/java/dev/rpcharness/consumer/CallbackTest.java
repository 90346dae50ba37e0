package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.testing.WirePeer;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour 12: callbacks run exactly once, off the I/O thread, on the callback executor, and cannot harm. */
class CallbackTest {

    private WirePeer peer;

    @BeforeEach
    void start() {
        peer = new WirePeer(new HelloServiceImpl()).start();
    }

    @AfterEach
    void stop() {
        peer.close();
    }

    /** Counts each call's callbacks and the threads they ran on. */
    private static final class Recorder implements AsyncRpcCallback {
        final Map<String, AtomicInteger> threads = new ConcurrentHashMap<>();
        final AtomicInteger successes = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final CountDownLatch done;
        final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();

        Recorder(int expected) {
            done = new CountDownLatch(expected);
        }

        @Override
        public void success(Object result) {
            threads.computeIfAbsent(Thread.currentThread().getName(), n -> new AtomicInteger()).incrementAndGet();
            successes.incrementAndGet();
            done.countDown();
        }

        @Override
        public void fail(Exception e) {
            threads.computeIfAbsent(Thread.currentThread().getName(), n -> new AtomicInteger()).incrementAndGet();
            failures.incrementAndGet();
            errors.computeIfAbsent(e.toString(), n -> new AtomicInteger()).incrementAndGet();
            done.countDown();
        }
    }

    @Test
    void callbacksRunOnceOnTheGivenExecutorNeverOnTheIoThread() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "user-callbacks"));
        try (ConsumerClient client = new ConsumerClient(peer.address(),
                ConsumerOptions.builder().callbackExecutor(executor).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            Recorder recorder = new Recorder(200);
            for (int i = 0; i < 100; i++) {
                RpcFuture future = async.call(i % 2 == 0 ? "hello" : "fail", "n" + i);
                future.addCallback(recorder);
                future.addCallback(recorder);
            }
            assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(recorder.successes.get()).isEqualTo(100);
            assertThat(recorder.failures.get()).isEqualTo(100);
            assertThat(recorder.threads.keySet()).containsOnly("user-callbacks");
            // A callback added after the end still runs, once, on the executor.
            RpcFuture ended = async.call("hello", "late");
            ended.get(5, TimeUnit.SECONDS);
            Recorder late = new Recorder(1);
            ended.addCallback(late);
            assertThat(late.done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(late.threads.keySet()).containsOnly("user-callbacks");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void defaultCallbackThreadsAreTheClientsOwnNotIoThreads() throws Exception {
        try (ConsumerClient client = new ConsumerClient(peer.address())) {
            Recorder recorder = new Recorder(1);
            client.createAsync(HelloService.class).call("hello", "x").addCallback(recorder);
            assertThat(recorder.done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(recorder.threads.keySet()).allSatisfy(name -> assertThat(name).startsWith("rpc-callback-"));
        }
    }

    @Test
    void aBlockingCallbackStallsNeitherOtherCallbacksNorTheConnectionWithDefaultOptions() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        try (ConsumerClient client = new ConsumerClient(peer.address(),
                ConsumerOptions.builder().connectionsPerProvider(1).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            async.call("hello", "blocker").addCallback(new AsyncRpcCallback() {
                @Override
                public void success(Object result) {
                    blocking.countDown();
                    awaitQuietly(release);
                }

                @Override
                public void fail(Exception e) {
                    blocking.countDown();
                    awaitQuietly(release);
                }
            });
            assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
            Recorder recorder = new Recorder(200);
            for (int i = 0; i < 200; i++) {
                async.call("hello", "n" + i).addCallback(recorder);
            }
            assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(recorder.successes.get()).isEqualTo(200);
            assertThat(peer.connectionsAccepted()).isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void synchronousCallsInsideCallbacksCompleteWithDefaultOptions() throws Exception {
        try (ConsumerClient client = new ConsumerClient(peer.address(),
                ConsumerOptions.builder().connectionsPerProvider(1).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            HelloService sync = client.create(HelloService.class);
            Map<String, String> answers = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                String name = "n" + i;
                async.call("hello", name).addCallback(new AsyncRpcCallback() {
                    @Override
                    public void success(Object result) {
                        answers.put(name, sync.hello("inner-" + name)); // blocks this callback until answered
                        done.countDown();
                    }

                    @Override
                    public void fail(Exception e) {
                        answers.put(name, e.toString());
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(answers).hasSize(20).allSatisfy((name, answer) ->
                    assertThat(answer).isEqualTo("Hello inner-" + name));
        }
    }

    @Test
    void throwingCallbackBreaksNeitherTheConnectionNorOtherCalls() throws Exception {
        try (ConsumerClient client = new ConsumerClient(peer.address(),
                ConsumerOptions.builder().connectionsPerProvider(1).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            Recorder recorder = new Recorder(50);
            for (int i = 0; i < 50; i++) {
                RpcFuture future = async.call("hello", "n" + i);
                future.addCallback(new AsyncRpcCallback() {
                    @Override
                    public void success(Object result) {
                        throw new IllegalStateException("callback bug");
                    }

                    @Override
                    public void fail(Exception e) {
                        throw new IllegalStateException("callback bug");
                    }
                });
                future.addCallback(recorder);
            }
            assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(recorder.successes.get()).isEqualTo(50);
            assertThat(client.create(HelloService.class).hello("after")).isEqualTo("Hello after");
            assertThat(peer.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void saturatedExecutorLosesNoCallbackAndStallsNoCall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor tiny = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1),
                r -> new Thread(r, "tiny"), new ThreadPoolExecutor.AbortPolicy());
        try (ConsumerClient client = new ConsumerClient(peer.address(),
                ConsumerOptions.builder().callbackExecutor(tiny).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            // Occupy the only thread and the only queue slot.
            tiny.execute(() -> awaitQuietly(release));
            tiny.execute(() -> { });
            Recorder recorder = new Recorder(300);
            for (int i = 0; i < 300; i++) {
                async.call("hello", "n" + i).addCallback(recorder);
            }
            assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(recorder.errors).isEmpty();
            assertThat(recorder.successes.get()).isEqualTo(300);
            assertThat(recorder.threads.keySet()).noneMatch(name -> name.startsWith("rpc-io-"));
            assertThat(client.create(HelloService.class).hello("after")).isEqualTo("Hello after");
        } finally {
            release.countDown();
            tiny.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
