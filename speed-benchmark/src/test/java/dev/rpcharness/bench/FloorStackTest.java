package dev.rpcharness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The floor stack (F) speaks the wire contract byte for byte: its client sends what the consumer core sends, its
 * server answers what FakeProvider answers, and each works against the project's other side. Real sockets on
 * loopback.
 */
class FloorStackTest {

    private static final String CLIENT_ID = "floor-test-1";

    @Test
    void floorClientSendsExactlyTheConsumerCoresRequest() throws Exception {
        String consumerSent;
        String floorSent;
        try (ServerSocket socket = listen();
             ConsumerClient client = new ConsumerClient("127.0.0.1:" + socket.getLocalPort(),
                     ConsumerOptions.builder().callTimeout(Duration.ofSeconds(5)).clientId(CLIENT_ID)
                             .connectionsPerProvider(1).build())) {
            client.createAsync(EchoService.class).call(BenchPayload.METHOD, BenchPayload.ARGUMENT);
            try (Socket s = accept(socket)) {
                // The floor leaves out X-Rpc-Deadline-Ms: a wall-clock value that differs per call and that the
                // floor's server would ignore; every other byte must be the same.
                consumerSent = text(readMessage(s.getInputStream()))
                        .replace(":" + socket.getLocalPort() + "\r\n", ":PORT\r\n")
                        .replaceAll("X-Rpc-Deadline-Ms: [0-9]+\r\n", "");
            }
        }
        try (ServerSocket socket = listen();
             FloorClient client = new FloorClient("127.0.0.1", socket.getLocalPort(), 1, CLIENT_ID)) {
            client.send(0, (start, ok) -> { });
            try (Socket s = accept(socket)) {
                floorSent = text(readMessage(s.getInputStream()))
                        .replace(":" + socket.getLocalPort() + "\r\n", ":PORT\r\n");
            }
        }
        assertThat(floorSent).contains("X-Rpc-Client-Id: " + CLIENT_ID).isEqualTo(consumerSent);
    }

    @Test
    void floorServerAnswersExactlyWhatFakeProviderAnswers() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().serve(EchoService.class, new EchoServiceImpl()).build()
                .start();
             FloorServer floor = new FloorServer()) {
            for (String argument : List.of("ping", "a \\\"quoted\\\" ]} and é")) {
                byte[] request = request(42, "\"" + argument + "\"");
                byte[] fromProvider = exchange(provider.port(), request);
                byte[] fromFloor = exchange(floor.port(), request);
                assertThat(text(fromFloor)).contains("X-Rpc-Request-Id: 42").isEqualTo(text(fromProvider));
            }
        }
    }

    @Test
    void consumerCoreGetsTheRightResultsFromTheFloorServer() throws Exception {
        try (FloorServer floor = new FloorServer();
             ConsumerClient client = new ConsumerClient("127.0.0.1:" + floor.port(),
                     ConsumerOptions.builder().callTimeout(Duration.ofSeconds(5)).build())) {
            EchoService echo = client.create(EchoService.class);
            assertThat(echo.echo("ping")).isEqualTo("ping");
            assertThat(echo.echo("a \"quoted\" ]} é")).isEqualTo("a \"quoted\" ]} é");
            AsyncObjectProxy async = client.createAsync(EchoService.class);
            List<RpcFuture> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(async.call(BenchPayload.METHOD, "v" + i));
            }
            for (int i = 0; i < 500; i++) {
                assertThat(futures.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("v" + i);
            }
        }
    }

    /**
     * On the I/O thread, as the benchmark runs it: the floor client matches answers in order, and a provider whose
     * implementations run on its worker pool may answer pipelined calls in another order (the contract allows it).
     */
    @Test
    void floorClientParsesFakeProvidersAnswers() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().implementationThreads(SpeedBenchmark.IMPLEMENTATIONS)
                .serve(EchoService.class, new EchoServiceImpl()).build().start()) {
            assertThat(okOf(provider.port(), 1000)).isEqualTo(1000);
        }
    }

    @Test
    void floorClientCountsAWrongAnswerAsFailed() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().implementationThreads(SpeedBenchmark.IMPLEMENTATIONS)
                .serve(EchoService.class, text -> "pong").build().start()) {
            assertThat(okOf(provider.port(), 100)).isZero();
        }
    }

    @Test
    void floorClientAndServerTogether() throws Exception {
        try (FloorServer floor = new FloorServer()) {
            assertThat(okOf(floor.port(), 1000)).isEqualTo(1000);
        }
    }

    /** Sends {@code calls} echo calls from this thread over two connections; how many ended ok. */
    private static int okOf(int port, int calls) throws InterruptedException {
        AtomicInteger ok = new AtomicInteger();
        CountDownLatch ended = new CountDownLatch(calls);
        try (FloorClient client = new FloorClient("127.0.0.1", port, 2)) {
            for (int i = 0; i < calls; i++) {
                client.send(i, (start, good) -> {
                    if (good) {
                        ok.incrementAndGet();
                    }
                    ended.countDown();
                });
            }
            assertThat(ended.await(20, TimeUnit.SECONDS)).as("every call ended").isTrue();
        }
        return ok.get();
    }

    private static Socket accept(ServerSocket socket) throws IOException {
        Socket s = socket.accept();
        s.setSoTimeout(10_000);
        return s;
    }

    private static ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        s.setSoTimeout(10_000);
        return s;
    }

    /** A request as the wire contract writes it, with {@code arguments} as the JSON of the one parameter. */
    private static byte[] request(long id, String argumentJson) {
        byte[] body = ("{\"requestId\":\"" + id + "\",\"className\":\"" + EchoService.class.getName()
                + "\",\"methodName\":\"echo\",\"parameterTypes\":[\"java.lang.String\"],\"parameters\":["
                + argumentJson + "]}").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /rpc HTTP/1.1\r\nhost: 127.0.0.1:1\r\ncontent-type: application/json\r\n"
                + "content-length: " + body.length + "\r\nX-Rpc-Request-Id: " + id + "\r\nX-Rpc-Timeout-Ms: 5000"
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static byte[] exchange(int port, byte[] request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return readMessage(s.getInputStream());
        }
    }

    /** One HTTP message framed by its Content-Length. */
    private static byte[] readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int length = -1;
        while (length < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed within the head: " + text(seen.toByteArray()));
            }
            seen.write(b);
            String sofar = text(seen.toByteArray());
            if (sofar.endsWith("\r\n\r\n")) {
                for (String line : sofar.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (length < 0) {
                    throw new IOException("no Content-Length: " + sofar);
                }
            }
        }
        seen.write(in.readNBytes(length));
        return seen.toByteArray();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
