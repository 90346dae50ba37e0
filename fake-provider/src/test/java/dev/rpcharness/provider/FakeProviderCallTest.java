package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Calls answered over a raw socket: parameter shapes, errors, unknown targets, pipelining, stubs, counters. */
class FakeProviderCallTest {

    private static final String CATALOG = CatalogService.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ObjectMapper json = RpcJson.newMapper();
    private final CatalogServiceImpl impl = new CatalogServiceImpl();
    private FakeProvider provider;
    private WireClient wire;

    @BeforeEach
    void start() throws Exception {
        // CatalogService#gate waits on a latch: fine, implementations run on the worker pool by default.
        provider = FakeProvider.builder().name("calls")
                .serve(CatalogService.class, impl).build().start();
        wire = new WireClient(provider.host(), provider.port());
    }

    @AfterEach
    void stop() throws Exception {
        impl.gate.countDown();
        wire.close();
        provider.close();
    }

    private JsonNode call(String id, String method, String types, String params) throws Exception {
        wire.send(id, callBody(id, CATALOG, method, types, params));
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo(id);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("requestId").asText()).isEqualTo(id);
        return body;
    }

    @Test
    void answersStringPrimitiveRecordListPojoAndMapCalls() throws Exception {
        assertThat(call("1", "hello", "[\"java.lang.String\"]", "[\"world\"]").get("result").asText())
                .isEqualTo("Hello world");
        assertThat(call("2", "add", "[\"int\",\"long\"]", "[2,40]").get("result").asInt()).isEqualTo(42);
        assertThat(call("3", "item", "[\"java.lang.String\",\"int\"]", "[\"pen\",3]").get("result").toString())
                .isEqualTo("{\"name\":\"pen\",\"quantity\":3}");
        assertThat(call("4", "totalQuantity", "[\"java.util.List\"]",
                "[[{\"name\":\"a\",\"quantity\":2},{\"name\":\"b\",\"quantity\":5}]]").get("result").asInt())
                .isEqualTo(7);
        JsonNode order = call("5", "order", "[\"" + CatalogService.Order.class.getName() + "\"]",
                "[{\"customer\":\"ann\",\"items\":[{\"name\":\"c\",\"quantity\":1}]}]").get("result");
        assertThat(order.get("customer").asText()).isEqualTo("ANN");
        assertThat(order.get("items").get(0).get("name").asText()).isEqualTo("c");
        assertThat(call("6", "counts", "[\"java.util.List\"]", "[[\"x\",\"y\",\"x\"]]").get("result").toString())
                .isEqualTo("{\"x\":2,\"y\":1}");
    }

    @Test
    void voidMethodAnswersWithoutResult() throws Exception {
        JsonNode body = call("7", "touch", "[]", "[]");
        assertThat(body.has("result")).isFalse();
        assertThat(body.has("error")).isFalse();
        assertThat(impl.touches).hasValue(1);
    }

    @Test
    void thrownExceptionBecomesErrorAnswerWithTypeAndMessage() throws Exception {
        JsonNode error = call("8", "fail", "[\"java.lang.String\"]", "[\"boom\"]").get("error");
        assertThat(error.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.get("message").asText()).isEqualTo("boom");
    }

    @Test
    void unknownInterfaceAndMethodAreErrorAnswersNamingThem() throws Exception {
        wire.send("9", callBody("9", "com.example.Nope", "x", "[]", "[]"));
        JsonNode unknownIface = json.readTree(wire.read(WAIT).body()).get("error");
        assertThat(unknownIface.get("message").asText()).contains("com.example.Nope").contains("calls");

        JsonNode unknownMethod = call("10", "nope", "[\"int\"]", "[1]").get("error");
        assertThat(unknownMethod.get("type").asText()).isEqualTo("java.lang.NoSuchMethodException");
        assertThat(unknownMethod.get("message").asText()).contains("CatalogService#nope");
    }

    @Test
    void bodyRequestIdIsUsedWhenTheHeaderIsMissing() throws Exception {
        wire.send(null, callBody("77", CATALOG, "hello", "[\"java.lang.String\"]", "[\"x\"]"));
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo("77");
    }

    @Test
    void pipelinedCallsAreAnsweredIndependentlyOutOfOrder() throws Exception {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(wire.request("1", callBody("1", CATALOG, "gate", "[\"java.lang.String\"]", "[\"slow\"]")));
        both.write(wire.request("2", callBody("2", CATALOG, "hello", "[\"java.lang.String\"]", "[\"fast\"]")));
        wire.sendRaw(both.toByteArray());

        WireClient.Response first = wire.read(WAIT);
        assertThat(first.header("X-Rpc-Request-Id")).isEqualTo("2");
        assertThat(first.bodyText()).contains("Hello fast");
        impl.gate.countDown();
        WireClient.Response second = wire.read(WAIT);
        assertThat(second.header("X-Rpc-Request-Id")).isEqualTo("1");
        assertThat(second.bodyText()).contains("opened slow");
        assertThat(provider.openConnections()).isEqualTo(1);
    }

    @Test
    void stubOverridesTheImplementationAndReceivesDecodedArguments() throws Exception {
        try (FakeProvider stubbed = FakeProvider.builder()
                .stub(CatalogService.class, "item", args -> new CatalogService.Item("stub-" + args[0],
                        (Integer) args[1] * 10))
                .stub(CatalogService.class, "fail", args -> {
                    throw new java.io.IOException("stubbed " + args[0]);
                })
                .build().start();
             WireClient w = new WireClient(stubbed.host(), stubbed.port())) {
            w.send("1", callBody("1", CATALOG, "item", "[\"java.lang.String\",\"int\"]", "[\"x\",4]"));
            assertThat(w.read(WAIT).bodyText()).isEqualTo(
                    "{\"requestId\":\"1\",\"result\":{\"name\":\"stub-x\",\"quantity\":40}}");
            w.send("2", callBody("2", CATALOG, "fail", "[\"java.lang.String\"]", "[\"y\"]"));
            assertThat(w.read(WAIT).bodyText()).contains("\"type\":\"java.io.IOException\"")
                    .contains("\"message\":\"stubbed y\"");
        }
    }

    @Test
    void statsCountCallsPerMethod() throws Exception {
        call("1", "hello", "[\"java.lang.String\"]", "[\"a\"]");
        call("2", "hello", "[\"java.lang.String\"]", "[\"b\"]");
        call("3", "touch", "[]", "[]");
        ProviderStats stats = provider.stats();
        assertThat(stats.received()).isEqualTo(3);
        assertThat(stats.answered()).isEqualTo(3);
        assertThat(stats.received("hello")).isEqualTo(2);
        assertThat(stats.answered("touch")).isEqualTo(1);
        assertThat(stats.faults()).isZero();
        assertThat(stats.methods()).containsExactly("hello", "touch");
    }

    @Test
    void notAnRpcPathOrMethodIsAnHttpErrorAndTheConnectionStaysUsable() throws Exception {
        wire.sendRaw("GET /other HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(wire.read(WAIT).status()).isEqualTo(404);
        wire.sendRaw("GET /rpc HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(wire.read(WAIT).status()).isEqualTo(405);
        assertThat(call("3", "hello", "[\"java.lang.String\"]", "[\"again\"]").get("result").asText())
                .isEqualTo("Hello again");
    }

    @Test
    void connectionCloseRequestIsAnsweredThenTheConnectionCloses() throws Exception {
        byte[] body = callBody("1", CATALOG, "hello", "[\"java.lang.String\"]", "[\"bye\"]")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        wire.sendRaw(("POST /rpc HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nX-Rpc-Request-Id: 1\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        wire.sendRaw(body);
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.bodyText()).contains("Hello bye");
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(wire.readToEnd(WAIT).ending()).isEqualTo(WireClient.Ending.EOF);
    }

    @Test
    void closeReleasesThePortAndIsIdempotent() throws Exception {
        int port = provider.port();
        provider.close();
        provider.close();
        assertThat(provider.state()).isEqualTo(ProviderState.CLOSED);
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void callWhoseBudgetIsSpentWhileQueuedIsDroppedUnanswered() throws Exception {
        try (FakeProvider single = FakeProvider.builder().name("single-worker").workerThreads(1)
                .serve(CatalogService.class, impl).build().start();
             WireClient client = new WireClient(single.host(), single.port())) {
            // The first call holds the only worker; the second waits behind it with a 50 ms budget.
            String gate = callBody("1", CATALOG, "gate", "[\"java.lang.String\"]", "[\"first\"]");
            String hello = callBody("2", CATALOG, "hello", "[\"java.lang.String\"]", "[\"late\"]");
            client.sendRaw(client.request("1", gate));
            client.sendRaw(withBudget(client.request("2", hello), 50));
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> single.stats().received() == 2);
            Thread.sleep(100); // let the second call's 50 ms budget run out while it is queued
            impl.gate.countDown();
            WireClient.Response first = client.read(WAIT);
            assertThat(first.header("X-Rpc-Request-Id")).isEqualTo("1");
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> single.stats().expired() == 1);
            assertThat(single.stats().answered()).isEqualTo(1);
            assertThat(single.callsInFlight()).isZero();
        }
    }

    /** Adds {@code X-Rpc-Timeout-Ms} to the head of a request made by {@link WireClient#request}. */
    private static byte[] withBudget(byte[] request, long millis) {
        String text = new String(request, java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.replaceFirst("\r\n\r\n", "\r\nX-Rpc-Timeout-Ms: " + millis + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
