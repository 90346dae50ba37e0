package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Behaviour 11: a write that fails ends its call at once; nobody waits for the write, or for the timeout. */
class WriteFailureTest {

    @Test
    void resetDuringALargeWriteFailsTheSyncCallAtOnce() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setReceiveBufferSize(4096);
            CompletableFuture<Void> resetter = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    in.readNBytes(1024); // the request has started, and is far from written
                    socket.setSoLinger(true, 0);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Duration timeout = Duration.ofSeconds(30);
            try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + server.getLocalPort(),
                    // One connection: the peer accepts (and resets) one; a second would wait unaccepted.
                    ConsumerOptions.builder().connectionsPerProvider(1).callTimeout(timeout).build())) {
                HelloService hello = client.create(HelloService.class);
                String huge = "x".repeat(64 * 1024 * 1024);
                long start = System.nanoTime();
                assertThatThrownBy(() -> hello.hello(huge)).isInstanceOf(ConnectionLostException.class)
                        .hasMessageContaining("HelloService#hello").hasMessageContaining("write failed");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout);
                assertThat(client.pendingCalls()).isZero();
            }
            resetter.get(5, TimeUnit.SECONDS);
        }
    }
}
