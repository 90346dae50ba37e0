package dev.rpcharness.consumer.fuzz;

import static dev.rpcharness.consumer.fuzz.Gen.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.MalformedBodyException;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.Outcome;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.ResultMismatchException;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.protocol.RpcJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Fuzz tests of {@link ResponseDecoder} alone, fast enough for thousands of cases: what a body is decoded into
 * decides whether a response ends only its own call (a result that does not fit the declared type) or makes the
 * connection untrustworthy (a body that is not one JSON object). Each property runs as a Jazzer
 * {@code @FuzzTest} (committed inputs under {@code ResponseDecoderFuzzTestInputs/} in {@code mvn verify},
 * coverage-guided with {@code JAZZER_FUZZ=1}) and as a seeded sweep ({@link FuzzSweep}), like
 * {@link ResponsePathFuzzTest}; commands in docs/fuzzing.md.
 */
class ResponseDecoderFuzzTest {

    /** A body and the method whose declared result type it is decoded for. */
    record BodyCase(byte[] body, FuzzMethod method) {
        @Override
        public String toString() {
            return method + " " + new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** A valid object, what follows it, and the method. */
    record TrailedCase(String body, String trailer, FuzzMethod method) {
    }

    private static final Gen<FuzzMethod> METHOD = Gen.of(FuzzMethod.class);
    private static final Gen<String> VALID_OBJECTS = validObjects();
    private static final Gen<BodyCase> ANY_BODY = draw -> new BodyCase(bodies().next(draw), METHOD.next(draw));
    private static final Gen<BodyCase> VALID_BODY = draw -> new BodyCase(
            VALID_OBJECTS.next(draw).getBytes(StandardCharsets.UTF_8), METHOD.next(draw));
    private static final Gen<TrailedCase> TRAILED = draw -> new TrailedCase(VALID_OBJECTS.next(draw),
            trailers().next(draw), METHOD.next(draw));

    @FuzzTest(maxDuration = "2m")
    void anyBytesDecodeToAnOutcomeOrATypedRefusal(FuzzedDataProvider data) throws Exception {
        FuzzSweep.check(ANY_BODY.next(Draw.of(data)), this::anyBytes, "this fuzzer input");
    }

    @FuzzTest(maxDuration = "2m")
    void validJsonObjectIsNeverMalformed(FuzzedDataProvider data) throws Exception {
        FuzzSweep.check(VALID_BODY.next(Draw.of(data)), this::validObject, "this fuzzer input");
    }

    @FuzzTest(maxDuration = "2m")
    void contentAfterTheObjectIsMalformed(FuzzedDataProvider data) throws Exception {
        FuzzSweep.check(TRAILED.next(Draw.of(data)), this::contentAfter, "this fuzzer input");
    }

    @TestFactory
    Stream<DynamicTest> seededAnyBytesDecodeToAnOutcomeOrATypedRefusal() {
        return FuzzSweep.tries("anyBytesDecodeToAnOutcomeOrATypedRefusal", 1000, ANY_BODY, this::anyBytes);
    }

    @TestFactory
    Stream<DynamicTest> seededValidJsonObjectIsNeverMalformed() {
        return FuzzSweep.tries("validJsonObjectIsNeverMalformed", 1000, VALID_BODY, this::validObject);
    }

    @TestFactory
    Stream<DynamicTest> seededContentAfterTheObjectIsMalformed() {
        return FuzzSweep.tries("contentAfterTheObjectIsMalformed", 300, TRAILED, this::contentAfter);
    }

    private final ObjectMapper mapper = RpcJson.newMapper();
    private final ResponseDecoder decoder = new ResponseDecoder(mapper);
    private final ServiceMethods methods = new ServiceMethods(FuzzService.class, mapper);

    private MethodMetadata metadata(FuzzMethod method) {
        for (var m : FuzzService.class.getMethods()) {
            if (m.getName().equals(method.javaName)) {
                return methods.of(m);
            }
        }
        throw new IllegalArgumentException(method.toString());
    }

    private Outcome decode(String body, FuzzMethod method) throws MalformedBodyException, ResultMismatchException {
        return decode(body.getBytes(StandardCharsets.UTF_8), method);
    }

    private Outcome decode(byte[] body, FuzzMethod method) throws MalformedBodyException, ResultMismatchException {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            return decoder.decode(buf, metadata(method));
        } finally {
            buf.release();
        }
    }

    private String bodyRequestId(byte[] body) throws MalformedBodyException {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            return decoder.bodyRequestId(buf);
        } finally {
            buf.release();
        }
    }

    /** Any bytes at all: decoding returns an outcome or refuses with one of the two typed refusals, nothing else. */
    private void anyBytes(BodyCase c) {
        byte[] body = c.body();
        FuzzMethod method = c.method();
        try {
            Outcome outcome = decode(body, method);
            if (outcome.error() == null && outcome.result() != null) {
                assertThat(outcome.result()).isInstanceOf(method.resultType);
            }
        } catch (MalformedBodyException | ResultMismatchException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            bodyRequestId(body);
        } catch (MalformedBodyException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        assertThat(GadgetTrap.gadgetTouches()).as("Gadget initialised or instantiated").isZero();
    }

    /**
     * One JSON object within the parser's limits, with a valid or no error: never "malformed", whatever its result
     * holds (wrong types, out-of-range numbers, deep nesting, type ids); a result that does not fit is a mismatch
     * of that call only.
     */
    private void validObject(BodyCase c) {
        FuzzMethod method = c.method();
        try {
            Outcome outcome = decode(c.body(), method);
            if (outcome.error() == null && outcome.result() != null) {
                assertThat(outcome.result()).isInstanceOf(method.resultType);
            }
        } catch (ResultMismatchException e) {
            assertThat(e.getMessage()).isNotBlank();
        } catch (MalformedBodyException e) {
            throw new AssertionError("valid JSON refused as malformed: " + e.getMessage(), e);
        }
        assertThat(GadgetTrap.gadgetTouches()).as("Gadget initialised or instantiated").isZero();
    }

    /**
     * A body with anything but whitespace after its object (a second response glued on, the next message's
     * bytes) is not the one object the contract promises: malformed, also when only its id is read.
     */
    private void contentAfter(TrailedCase c) {
        byte[] bytes = (c.body() + c.trailer()).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(bytes, c.method())).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> bodyRequestId(bytes)).isInstanceOf(MalformedBodyException.class);
    }

    /** The canary works: a mapper with polymorphic typing on does instantiate the class a type id names. */
    @Test
    void gadgetTrapSeesAClassThatATypeIdInstantiates() throws Exception {
        ObjectMapper unsafe = RpcJson.newMapper().activateDefaultTyping(
                com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator.instance,
                ObjectMapper.DefaultTyping.EVERYTHING);
        String probe = GadgetProbe.class.getName();
        Object value = unsafe.readValue("[\"" + probe + "\",{}]", Object.class);
        assertThat(value).isInstanceOf(GadgetProbe.class);
        assertThat(GadgetTrap.touches(probe)).isPositive();
        ResponseDecoder safe = new ResponseDecoder(mapper);
        ByteBuf body = Unpooled.copiedBuffer("{\"result\":[\"" + Json.GADGET + "\",{}]}", StandardCharsets.UTF_8);
        try {
            assertThat(safe.decode(body, metadata(FuzzMethod.ANYTHING)).result()).isInstanceOf(List.class);
        } finally {
            body.release();
        }
        assertThat(GadgetTrap.gadgetTouches()).isZero();
    }

    @Test
    void outOfRangeNumberForAnIntIsAMismatchNotMalformed() {
        assertThatThrownBy(() -> decode("{\"requestId\":\"3\",\"result\":-2147483649}", FuzzMethod.NUMBER))
                .isInstanceOf(ResultMismatchException.class).hasMessageContaining("does not decode as");
        assertThatThrownBy(() -> decode("{\"result\":1e400,\"requestId\":\"3\"}", FuzzMethod.BIG))
                .isInstanceOf(ResultMismatchException.class);
    }

    @Test
    void mismatchStillChecksTheRestOfTheBody() {
        assertThatThrownBy(() -> decode("{\"result\":[[1,2],{\"a\":[3]}],\"x\":1}", FuzzMethod.NUMBER))
                .isInstanceOf(ResultMismatchException.class);
        assertThatThrownBy(() -> decode("{\"result\":[[1,2],{\"a\":[3]}],\"x\":}", FuzzMethod.NUMBER))
                .isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> decode("{\"result\":\"x\",", FuzzMethod.NUMBER))
                .isInstanceOf(MalformedBodyException.class);
    }

    @Test
    void errorWinsOverAResultThatDoesNotFit() throws Exception {
        Outcome outcome = decode("{\"result\":\"x\",\"error\":{\"type\":\"java.lang.Error\",\"message\":\"m\"}}",
                FuzzMethod.NUMBER);
        assertThat(outcome.error().type()).isEqualTo("java.lang.Error");
    }

    @Test
    void twoResponsesInOneBodyAreMalformed() {
        byte[] glued = "{\"requestId\":\"1\",\"result\":\"a\"}{\"requestId\":\"2\",\"result\":\"b\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(glued, FuzzMethod.TEXT)).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("after");
        assertThatThrownBy(() -> bodyRequestId(glued)).isInstanceOf(MalformedBodyException.class);
    }

    @Test
    void requestIdThatIsNeitherStringNorNumberIsMalformed() {
        assertThatThrownBy(() -> bodyRequestId("{\"requestId\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedBodyException.class).hasMessageContaining("requestId");
    }

    private static Gen<String> validObjects() {
        Gen<String> error = draw -> Json.object(List.of(
                Json.field("type", Json.quote(Gen.of("java.lang.IllegalStateException", Json.GADGET).next(draw))),
                Json.field("message", Json.string().next(draw))));
        Gen<String> result = Gen.frequency(weight(3, Json.value()), weight(1, Json.gadget()),
                weight(1, Json.deep(Json.MAX_DEPTH - 30, Json.MAX_DEPTH - 1)),
                weight(1, Json.bigInteger(Json.MAX_NUMBER_LENGTH)), weight(1, Json.scalar()));
        Gen<String> errorOrNot = Gen.frequency(weight(4, Gen.just((String) null)), weight(1, error),
                weight(1, Gen.just("null")));
        // "error" and "result" are the fields under test: extra fields get other names.
        Gen<String> extra = draw -> Json.field(Json.name().map(n -> n.equals("error") || n.equals("result")
                ? n + "_" : n).next(draw), Json.value().next(draw));
        return draw -> {
            String r = result.next(draw);
            String e = errorOrNot.next(draw);
            List<String> fields = new ArrayList<>(extra.list(0, 2).next(draw));
            String space = Gen.of(" ", "", "\n\t ").next(draw);
            fields.add(Json.field("result", r));
            if (e != null) {
                fields.add(Json.field("error", e));
            }
            return Json.object(fields) + space;
        };
    }

    private static Gen<String> trailers() {
        return Gen.oneOf(Gen.of("{}", "{\"requestId\":\"2\",\"result\":\"b\"}", "HTTP/1.1 200 OK",
                        "x", "]", "}", "1", "\"s\"", "null", "[]", "\r\nHTTP/1.1 200 OK\r\n"),
                Gen.alpha(1, 10));
    }

    private static Gen<byte[]> bodies() {
        Gen<byte[]> valid = VALID_OBJECTS.map(s -> s.getBytes(StandardCharsets.UTF_8));
        Gen<byte[]> mutated = draw -> Wire.mutation().next(draw).apply(valid.next(draw));
        Gen<byte[]> random = Gen.chars('\u0000', '\u00ff', 0, 64).map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
        Gen<byte[]> pastLimits = Json.pastLimits()
                .map(v -> ("{\"result\":" + v + "}").getBytes(StandardCharsets.UTF_8));
        return Gen.frequency(weight(2, valid), weight(4, mutated), weight(1, random), weight(1, pastLimits));
    }
}
