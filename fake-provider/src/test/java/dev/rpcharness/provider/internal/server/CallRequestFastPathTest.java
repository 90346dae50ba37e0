package dev.rpcharness.provider.internal.server;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.CallHistory;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls read by the request fast path ({@link CallRequestDecoder}) and calls it hands to Netty's decoder are
 * answered alike over a real socket, also mixed on one connection and pipelined in one write.
 */
class CallRequestFastPathTest {

    private static final String CATALOG = CatalogService.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private TestServer provider;
    private WireClient wire;

    @BeforeEach
    void start() throws Exception {
        provider = TestServer.serving("fast-path", 4096, CatalogService.class, new CatalogServiceImpl());
        wire = new WireClient(provider.host(), provider.port());
    }

    @AfterEach
    void stop() throws Exception {
        wire.close();
        provider.close();
    }

    private static String hello(String id, String who) {
        return callBody(id, CATALOG, "hello", "[\"java.lang.String\"]", "[\"" + who + "\"]");
    }

    private static byte[] chunked(String id, String body) {
        return ("POST /rpc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Rpc-Request-Id: " + id + "\r\n\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String resultOf(String id, String who) {
        return "{\"requestId\":\"" + id + "\",\"result\":\"Hello " + who + "\"}";
    }

    @Test
    void plainAndUnusualCallsPipelinedOnOneConnectionAreAllAnswered() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(wire.request("1", hello("1", "one")));
        all.write(chunked("2", hello("2", "two")));
        all.write(wire.request("3", hello("3", "three")));
        wire.sendRaw(all.toByteArray());
        // Implementations run on the provider's worker pool, so results may come back in any order (the wire
        // contract matches them by id only): each id must be answered once, with its own result.
        Map<String, String> bodies = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            WireClient.Response r = wire.read(WAIT);
            assertThat(r.status()).isEqualTo(200);
            assertThat(bodies.put(r.header("X-Rpc-Request-Id"), r.bodyText())).as("answered twice").isNull();
        }
        assertThat(bodies).containsOnly(
                Map.entry("1", resultOf("1", "one")),
                Map.entry("2", resultOf("2", "two")),
                Map.entry("3", resultOf("3", "three")));
    }

    @Test
    void headerNamesInAnyCaseAndBlanksAroundValuesAreReadAsNettyReadsThem() throws Exception {
        byte[] body = hello("9", "case").getBytes(StandardCharsets.US_ASCII);
        wire.sendRaw(("POST /rpc HTTP/1.1\r\nhost: x\r\ncontent-length:" + body.length
                + "\r\nx-rpc-request-id: \t 5 \r\nX-RPC-TIMEOUT-MS: 5000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        wire.sendRaw(body);
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo("5");
        assertThat(r.bodyText()).isEqualTo("{\"requestId\":\"5\",\"result\":\"Hello case\"}");
    }

    @Test
    void bodyOverTheProvidersLimitIsRefusedAsBefore() throws Exception {
        wire.send("1", hello("1", "x".repeat(5000)));
        assertThat(wire.read(WAIT).status()).isEqualTo(413);
    }

    @Test
    void malformedHeaderIsABadRequestAsBefore() throws Exception {
        wire.sendRaw("POST /rpc HTTP/1.1\r\nContent-Length: 2\r\nBad\u0001Header: 1\r\n\r\n{}"
                .getBytes(StandardCharsets.ISO_8859_1));
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyText()).startsWith("malformed HTTP request");
        assertThat(wire.readToEnd(WAIT).ending()).isEqualTo(WireClient.Ending.EOF);
    }

    @Test
    void callsOfTheConsumerCoreStayOnTheFastPath() throws Exception {
        // With a call history the consumer sends every header it knows: request id, timeout and call sequence.
        CallHistory history = new CallHistory() {
            @Override
            public void started(long seq, String method, long startNanos) {
            }

            @Override
            public void written(long seq, String provider, int localPort, long requestId, long nanos) {
            }

            @Override
            public void ended(long seq, long endNanos, Throwable failure) {
            }
        };
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofSeconds(5)).callHistory(history)
                .build();
        try (ConsumerClient client = new ConsumerClient(provider.address(), options)) {
            CatalogService catalog = client.create(CatalogService.class);
            for (int i = 0; i < 20; i++) {
                assertThat(catalog.hello("n" + i)).isEqualTo("Hello n" + i);
            }
            assertThat(provider.connections().snapshot()).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.onFastPath()).as("connection on the fast path").isTrue());
        }
    }
}
