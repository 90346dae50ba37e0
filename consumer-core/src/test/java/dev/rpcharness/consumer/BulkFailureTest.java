package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many calls in flight failed at once (the client closes, the connection ends): every call ends exactly once, the
 * client holds none afterwards, and the errors handed to async callbacks carry no stack trace (filling one per call
 * ran a 256 MB heap out of memory with 300,000 calls pending), while a synchronous caller still gets one with its
 * own frames.
 */
class BulkFailureTest {

    private static final int CALLS = 10_000; // under the default bound on calls in flight (20,000)

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    /** A server on loopback that reads every byte and never answers. */
    @BeforeEach
    void holdServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    threads.execute(() -> discard(s));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private static void discard(Socket s) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = s.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // never answer
            }
        } catch (IOException closed) {
            // the test closed it
        }
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        threads.shutdownNow();
    }

    @Test
    void closingWithManyCallsInFlightEndsEachOnceWithAnErrorWithoutStackTrace() throws Exception {
        ConsumerClient client = new ConsumerClient("127.0.0.1:" + server.getLocalPort());
        Outcomes outcomes = new Outcomes();
        Future<Throwable> sync;
        try (client) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            HelloService hello = client.create(HelloService.class);
            for (int i = 0; i < CALLS; i++) {
                async.call("hello", "x").addCallback(outcomes);
            }
            sync = threads.submit(() -> {
                try {
                    hello.hello("sync");
                    return null;
                } catch (RpcException e) {
                    return e;
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> client.pendingCalls() == CALLS + 1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> outcomes.ended.get() >= CALLS);
        assertThat(outcomes.ended.get()).isEqualTo(CALLS);
        assertThat(outcomes.succeeded.get()).isZero();
        assertThat(client.pendingCalls()).isZero();
        Exception first = outcomes.errors.get(0);
        assertThat(first).isInstanceOf(ClientClosedException.class).hasMessageContaining("HelloService#hello")
                .hasMessageContaining("client closed");
        assertThat(outcomes.errors).allSatisfy(e -> assertThat(e.getStackTrace()).as("async error's stack").isEmpty());

        Throwable thrown = sync.get(30, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(ClientClosedException.class);
        assertThat(thrown.getStackTrace()).as("the synchronous caller's own frames").isNotEmpty();
        assertThat(thrown.getCause()).isInstanceOf(ClientClosedException.class);
    }

    @Test
    void aLostConnectionWithManyCallsInFlightEndsEachOnceWithAnErrorWithoutStackTrace() throws Exception {
        try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + server.getLocalPort())) {
            Outcomes outcomes = new Outcomes();
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            for (int i = 0; i < CALLS; i++) {
                async.call("hello", "x").addCallback(outcomes);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !accepted.isEmpty());
            for (Socket s : accepted) {
                s.setSoLinger(true, 0); // a reset, at once
                s.close();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> outcomes.ended.get() >= CALLS);
            assertThat(outcomes.ended.get()).isEqualTo(CALLS);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.pendingCalls() == 0);
            assertThat(outcomes.errors).hasSize(CALLS);
            List<Exception> lost = outcomes.errors.stream().filter(ConnectionLostException.class::isInstance)
                    .toList();
            assertThat(lost).as("calls in flight when the connection ended").isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getStackTrace()).isEmpty());
        }
    }

    /** Counts how each call ended; keeps the errors. */
    private static final class Outcomes implements AsyncRpcCallback {
        final AtomicInteger ended = new AtomicInteger();
        final AtomicInteger succeeded = new AtomicInteger();
        final List<Exception> errors = new CopyOnWriteArrayList<>();

        @Override
        public void success(Object result) {
            succeeded.incrementAndGet();
            ended.incrementAndGet();
        }

        @Override
        public void fail(Exception e) {
            errors.add(e);
            ended.incrementAndGet();
        }
    }
}
