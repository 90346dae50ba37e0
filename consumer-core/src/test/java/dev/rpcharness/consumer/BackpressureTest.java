package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, observation 6: a provider that stops reading (a frozen process, a full TCP window) must not make the
 * client buffer requests without bound, nor receive, once it reads again, the requests of calls that ended.
 */
class BackpressureTest {

    @Test
    void providerThatStopsReadingGetsNoRequestsOfCallsThatEnded() throws Exception {
        int calls = 400;
        String argument = "x".repeat(100_000);
        long offeredBytes = (long) calls * argument.length();
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(64 * 1024);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // One connection: the test reads what reaches the one socket it accepts.
            ConsumerOptions options = ConsumerOptions.builder().connectionsPerProvider(1)
                    .callTimeout(Duration.ofMillis(300))
                    .providerWaitTimeout(Duration.ofMillis(300)).build();
            try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + server.getLocalPort(), options);
                 Socket accepted = server.accept()) {
                // The provider never reads while the calls run: it is frozen.
                AsyncObjectProxy async = client.createAsync(HelloService.class);
                List<RpcFuture> futures = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    futures.add(async.call("hello", argument));
                }
                for (RpcFuture f : futures) {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                    } catch (ExecutionException expected) {
                        // every call fails: the provider never answers
                    }
                    assertThat(f.failure()).isInstanceOf(RpcException.class);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> client.pendingCalls() == 0);
                // Thaw: read everything the client still sends, until it has been quiet for a second.
                long received = drain(accepted);
                System.out.printf("BACKPRESSURE offered=%d bytes, delivered after the thaw=%d bytes%n",
                        offeredBytes, received);
                assertThat(received).as("bytes delivered after every call had ended, of %d offered", offeredBytes)
                        .isLessThan(offeredBytes / 4);
            }
        }
    }

    private static long drain(Socket socket) throws Exception {
        socket.setSoTimeout(1_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException quiet) {
                break;
            }
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
