package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultKind;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import dev.rpcharness.provider.testing.WireClient.Ending;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One test per fault kind: the bytes (or the silence, FIN or RST) a client sees on the wire. */
class FaultWireBytesTest {

    /** The slow-drip fault's chunk, as PROVIDER.md's fault catalogue states it: the body 8 bytes at a time. */
    private static final int DRIP_CHUNK_BYTES = 8;
    private static final String CATALOG = CatalogService.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String NORMAL_BODY = "{\"requestId\":\"1\",\"result\":\"Hello a\"}";

    private final ObjectMapper json = RpcJson.newMapper();
    private FakeProvider provider;
    private WireClient wire;

    private WireClient start(FaultRule... rules) throws Exception {
        provider = FakeProvider.builder().name("faults").serve(CatalogService.class, new CatalogServiceImpl())
                .faultPlan(FaultPlan.of(rules)).build().start();
        wire = new WireClient(provider.host(), provider.port());
        return wire;
    }

    @AfterEach
    void stop() throws Exception {
        if (wire != null) {
            wire.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private void hello(String id, String name) throws Exception {
        wire.send(id, callBody(id, CATALOG, "hello", "[\"java.lang.String\"]", "[\"" + name + "\"]"));
    }

    private void assertCounted(FaultKind kind) {
        assertThat(provider.stats().faults(kind)).isEqualTo(1);
        assertThat(provider.stats().faults("hello", kind)).isEqualTo(1);
    }

    @Test
    void latencyFixedDelaysTheAnswer() throws Exception {
        start(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(50))));
        long t0 = System.nanoTime();
        hello("1", "a");
        WireClient.Response r = wire.read(WAIT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.bodyText()).isEqualTo(NORMAL_BODY);
        assertThat(ms).isGreaterThanOrEqualTo(49);
        assertCounted(FaultKind.LATENCY_FIXED);
    }

    @Test
    void latencyUniformDelaysAtLeastTheMinimum() throws Exception {
        start(FaultRule.forAll(Fault.latencyUniform(Duration.ofMillis(40), Duration.ofMillis(80))));
        long t0 = System.nanoTime();
        hello("1", "a");
        assertThat(wire.read(WAIT).bodyText()).isEqualTo(NORMAL_BODY);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(39);
        assertCounted(FaultKind.LATENCY_UNIFORM);
    }

    @Test
    void latencyLogNormalAnswersNormallyAfterItsDelay() throws Exception {
        start(FaultRule.forAll(Fault.latencyLogNormal(Duration.ofMillis(5), Duration.ofMillis(20))));
        hello("1", "a");
        assertThat(wire.read(WAIT).bodyText()).isEqualTo(NORMAL_BODY);
        assertCounted(FaultKind.LATENCY_LOG_NORMAL);
    }

    @Test
    void errorAnswersTheRemoteException() throws Exception {
        start(FaultRule.forAll(Fault.error("java.util.ConcurrentModificationException", "injected")));
        hello("1", "a");
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo("1");
        assertThat(r.bodyText()).isEqualTo("{\"requestId\":\"1\",\"error\":{\"type\":"
                + "\"java.util.ConcurrentModificationException\",\"message\":\"injected\"}}");
        assertCounted(FaultKind.ERROR);
    }

    @Test
    void httpStatusAnswersThatStatusWithTheIdAndKeepsTheConnection() throws Exception {
        start(FaultRule.forAll(Fault.httpStatus(503)).firstN(1));
        hello("1", "a");
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo("1");
        assertThat(r.bodyText()).contains("503");
        hello("2", "b");
        assertThat(wire.read(WAIT).status()).isEqualTo(200);
        assertCounted(FaultKind.HTTP_STATUS);
    }

    @Test
    void pushbackAnswersTheStatusWithThePushbackHeaderAndKeepsTheConnection() throws Exception {
        start(FaultRule.forAll(Fault.pushback(503, java.time.Duration.ofMillis(250))).firstN(1));
        hello("1", "a");
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo("1");
        assertThat(r.header("X-Rpc-Pushback")).isEqualTo("250");
        hello("2", "b");
        assertThat(wire.read(WAIT).status()).isEqualTo(200);
        assertCounted(FaultKind.PUSHBACK);
        assertThat(Fault.pushback(503, null).pushbackHeader()).isEqualTo("stop");
    }

    @Test
    void resetSendsRstAndNoBytes() throws Exception {
        start(FaultRule.forAll(Fault.reset()));
        hello("1", "a");
        WireClient.Tail tail = wire.readToEnd(WAIT);
        assertThat(tail.ending()).isEqualTo(Ending.RESET);
        assertThat(tail.bytes()).isEmpty();
        assertCounted(FaultKind.RESET);
    }

    @Test
    void closeWithoutAnswerSendsFinAndNoBytes() throws Exception {
        start(FaultRule.forAll(Fault.closeWithoutAnswer()));
        hello("1", "a");
        WireClient.Tail tail = wire.readToEnd(WAIT);
        assertThat(tail.ending()).isEqualTo(Ending.EOF);
        assertThat(tail.bytes()).isEmpty();
        assertCounted(FaultKind.CLOSE_WITHOUT_ANSWER);
    }

    @Test
    void hangNeverAnswersAndKeepsTheConnectionOpen() throws Exception {
        start(FaultRule.forAll(Fault.hang()).firstN(1));
        hello("1", "a");
        WireClient.Tail silence = wire.readToEnd(Duration.ofMillis(300));
        assertThat(silence.ending()).isEqualTo(Ending.TIMEOUT);
        assertThat(silence.bytes()).isEmpty();
        hello("2", "b");
        assertThat(wire.read(WAIT).header("X-Rpc-Request-Id")).isEqualTo("2");
        assertThat(provider.stats().answered()).isEqualTo(1);
        assertCounted(FaultKind.HANG);
    }

    @Test
    void garbageWritesBytesThatAreNotHttp() throws Exception {
        start(FaultRule.forAll(Fault.garbage()));
        hello("1", "a");
        byte[] junk = wire.readBytes(64, WAIT);
        assertThat(junk).hasSize(64);
        assertThat(new String(junk, StandardCharsets.ISO_8859_1)).doesNotStartWith("HTTP/");
        assertCounted(FaultKind.GARBAGE);
    }

    @Test
    void truncatedBodyAnnouncesTheFullLengthSendsHalfAndCloses() throws Exception {
        start(FaultRule.forAll(Fault.truncatedBody()));
        hello("1", "a");
        WireClient.Tail tail = wire.readToEnd(WAIT);
        assertThat(tail.ending()).isEqualTo(Ending.EOF);
        String text = tail.text();
        assertThat(text).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: " + NORMAL_BODY.length());
        String body = text.substring(text.indexOf("\r\n\r\n") + 4);
        assertThat(body).isEqualTo(NORMAL_BODY.substring(0, NORMAL_BODY.length() / 2));
        assertCounted(FaultKind.TRUNCATED_BODY);
    }

    @Test
    void wrongRequestIdAnswersWithThePreviousCallsId() throws Exception {
        start(FaultRule.forAll(Fault.wrongRequestId()).everyNth(2));
        hello("1", "a");
        assertThat(wire.read(WAIT).header("X-Rpc-Request-Id")).isEqualTo("1");
        hello("2", "b");
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo("1");
        assertThat(r.bodyText()).isEqualTo("{\"requestId\":\"1\",\"result\":\"Hello b\"}");
        assertCounted(FaultKind.WRONG_REQUEST_ID);
    }

    @Test
    void unknownRequestIdAnswersWithAnIdNeverSent() throws Exception {
        start(FaultRule.forAll(Fault.unknownRequestId()));
        hello("5", "a");
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo("unknown-5");
        assertThat(json.readTree(r.body()).get("requestId").asText()).isEqualTo("unknown-5");
        assertCounted(FaultKind.UNKNOWN_REQUEST_ID);
    }

    @Test
    void duplicateAnswerWritesTheSameAnswerTwice() throws Exception {
        start(FaultRule.forAll(Fault.duplicateAnswer()));
        hello("1", "a");
        WireClient.Response first = wire.read(WAIT);
        WireClient.Response second = wire.read(WAIT);
        assertThat(first.bodyText()).isEqualTo(NORMAL_BODY);
        assertThat(second.bodyText()).isEqualTo(NORMAL_BODY);
        assertThat(second.header("X-Rpc-Request-Id")).isEqualTo("1");
        assertCounted(FaultKind.DUPLICATE_ANSWER);
    }

    @Test
    void slowDripWritesTheBodyInChunksWithPauses() throws Exception {
        start(FaultRule.forAll(Fault.slowDrip(Duration.ofMillis(15))));
        long t0 = System.nanoTime();
        hello("1", "a");
        WireClient.Response r = wire.read(WAIT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.bodyText()).isEqualTo(NORMAL_BODY);
        int chunks = (NORMAL_BODY.length() + DRIP_CHUNK_BYTES - 1) / DRIP_CHUNK_BYTES;
        assertThat(ms).isGreaterThanOrEqualTo((chunks - 1) * 15L - 1);
        assertCounted(FaultKind.SLOW_DRIP);
    }

    @Test
    void slowDripNeverInterleavesWithOtherAnswersOfTheConnection() throws Exception {
        start(FaultRule.forMethod("hello", Fault.slowDrip(Duration.ofMillis(10))),
                FaultRule.forMethod("add", Fault.latencyFixed(Duration.ofMillis(15))));
        hello("1", "a");
        wire.send("2", callBody("2", CATALOG, "add", "[\"int\",\"long\"]", "[1,2]"));
        // The add answer is due while the hello body is still dripping: it must wait, not split the drip.
        // (On a loaded machine the hello worker may start after the add is due: then add goes first, whole.)
        WireClient.Response first = wire.read(WAIT);
        WireClient.Response second = wire.read(WAIT);
        assertThat(java.util.List.of(first.bodyText(), second.bodyText()))
                .containsExactlyInAnyOrder(NORMAL_BODY, "{\"requestId\":\"2\",\"result\":3}");
    }

    @Test
    void oversizedBodyIsWellFormedJsonPaddedToTheSize() throws Exception {
        start(FaultRule.forAll(Fault.oversizedBody(100_000)));
        hello("1", "a");
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.header("Content-Length")).isEqualTo("100000");
        assertThat(r.body()).hasSize(100_000);
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("result").asText()).isEqualTo("Hello a");
        assertCounted(FaultKind.OVERSIZED_BODY);
    }

    @Test
    void latencyCombinesWithAnAnswerFault() throws Exception {
        start(FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(40))),
                FaultRule.forMethod("hello", Fault.error("java.lang.RuntimeException", "late")));
        long t0 = System.nanoTime();
        hello("1", "a");
        WireClient.Response r = wire.read(WAIT);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(39);
        assertThat(r.bodyText()).contains("\"message\":\"late\"");
        assertThat(provider.stats().faults()).isEqualTo(2);
    }

    @Test
    void faultPlanCanBeReplacedWhileTheConnectionIsOpen() throws Exception {
        start(FaultRule.forAll(Fault.httpStatus(500)));
        hello("1", "a");
        assertThat(wire.read(WAIT).status()).isEqualTo(500);
        provider.faultPlan(FaultPlan.none());
        hello("2", "b");
        assertThat(wire.read(WAIT).status()).isEqualTo(200);
        provider.faultPlan(FaultPlan.of(FaultRule.forMethod("hello", Fault.closeWithoutAnswer())));
        hello("3", "c");
        assertThatThrownBy(() -> wire.read(WAIT)).isInstanceOf(EOFException.class);
    }
}
