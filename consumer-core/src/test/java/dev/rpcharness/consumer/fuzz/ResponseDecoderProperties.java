package dev.rpcharness.consumer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Properties of {@link ResponseDecoder} alone, fast enough for thousands of tries: what a body is decoded into
 * decides whether a response ends only its own call (a result that does not fit the declared type) or makes the
 * connection untrustworthy (a body that is not one JSON object). Sized by {@link FuzzBudget} like
 * {@link ResponsePathProperties}.
 */
@AddLifecycleHook(FuzzBudget.class)
class ResponseDecoderProperties {

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
    @Property(tries = 1000)
    void anyBytesDecodeToAnOutcomeOrATypedRefusal(@ForAll("bodies") byte[] body,
                                                 @ForAll FuzzMethod method) {
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
    @Property(tries = 1000)
    void validJsonObjectIsNeverMalformed(@ForAll("validObjects") String body, @ForAll FuzzMethod method) {
        try {
            Outcome outcome = decode(body, method);
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
    @Property(tries = 300)
    void contentAfterTheObjectIsMalformed(@ForAll("validObjects") String body, @ForAll("trailers") String trailer,
                                         @ForAll FuzzMethod method) {
        byte[] bytes = (body + trailer).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(bytes, method)).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> bodyRequestId(bytes)).isInstanceOf(MalformedBodyException.class);
    }

    /** The canary works: a mapper with polymorphic typing on does instantiate the class a type id names. */
    @Example
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

    @Example
    void outOfRangeNumberForAnIntIsAMismatchNotMalformed() {
        assertThatThrownBy(() -> decode("{\"requestId\":\"3\",\"result\":-2147483649}", FuzzMethod.NUMBER))
                .isInstanceOf(ResultMismatchException.class).hasMessageContaining("does not decode as");
        assertThatThrownBy(() -> decode("{\"result\":1e400,\"requestId\":\"3\"}", FuzzMethod.BIG))
                .isInstanceOf(ResultMismatchException.class);
    }

    @Example
    void mismatchStillChecksTheRestOfTheBody() {
        assertThatThrownBy(() -> decode("{\"result\":[[1,2],{\"a\":[3]}],\"x\":1}", FuzzMethod.NUMBER))
                .isInstanceOf(ResultMismatchException.class);
        assertThatThrownBy(() -> decode("{\"result\":[[1,2],{\"a\":[3]}],\"x\":}", FuzzMethod.NUMBER))
                .isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> decode("{\"result\":\"x\",", FuzzMethod.NUMBER))
                .isInstanceOf(MalformedBodyException.class);
    }

    @Example
    void errorWinsOverAResultThatDoesNotFit() throws Exception {
        Outcome outcome = decode("{\"result\":\"x\",\"error\":{\"type\":\"java.lang.Error\",\"message\":\"m\"}}",
                FuzzMethod.NUMBER);
        assertThat(outcome.error().type()).isEqualTo("java.lang.Error");
    }

    @Example
    void twoResponsesInOneBodyAreMalformed() {
        byte[] glued = "{\"requestId\":\"1\",\"result\":\"a\"}{\"requestId\":\"2\",\"result\":\"b\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(glued, FuzzMethod.TEXT)).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("after");
        assertThatThrownBy(() -> bodyRequestId(glued)).isInstanceOf(MalformedBodyException.class);
    }

    @Example
    void requestIdThatIsNeitherStringNorNumberIsMalformed() {
        assertThatThrownBy(() -> bodyRequestId("{\"requestId\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedBodyException.class).hasMessageContaining("requestId");
    }

    @Provide
    Arbitrary<String> validObjects() {
        Arbitrary<String> error = Combinators.combine(Arbitraries.of("java.lang.IllegalStateException", Json.GADGET),
                        Json.string())
                .as((type, message) -> Json.object(List.of(Json.field("type", Json.quote(type)),
                        Json.field("message", message))));
        Arbitrary<String> result = Arbitraries.frequencyOf(Tuple.of(3, Json.value()), Tuple.of(1, Json.gadget()),
                Tuple.of(1, Json.deep(Json.MAX_DEPTH - 30, Json.MAX_DEPTH - 1)),
                Tuple.of(1, Json.bigInteger(Json.MAX_NUMBER_LENGTH)), Tuple.of(1, Json.scalar()));
        return Combinators.combine(result, Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just((String) null)),
                                Tuple.of(1, error), Tuple.of(1, Arbitraries.just("null"))),
                        Combinators.combine(Json.name().filter(n -> !n.equals("error") && !n.equals("result")),
                                Json.value()).as(Json::field).list().ofMaxSize(2),
                        Arbitraries.of(" ", "", "\n\t "))
                .as((r, e, extras, space) -> {
                    List<String> fields = new ArrayList<>(extras);
                    fields.add(Json.field("result", r));
                    if (e != null) {
                        fields.add(Json.field("error", e));
                    }
                    return Json.object(fields) + space;
                }).fixGenSize(Wire.GEN_SIZE);
    }

    @Provide
    Arbitrary<String> trailers() {
        return Arbitraries.oneOf(Arbitraries.of("{}", "{\"requestId\":\"2\",\"result\":\"b\"}", "HTTP/1.1 200 OK",
                        "x", "]", "}", "1", "\"s\"", "null", "[]", "\r\nHTTP/1.1 200 OK\r\n"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)).fixGenSize(Wire.GEN_SIZE);
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> valid = validObjects().map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> mutated = Combinators.combine(valid, Wire.mutation()).as((b, m) -> m.apply(b));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> pastLimits = Json.pastLimits()
                .map(v -> ("{\"result\":" + v + "}").getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(2, valid), Tuple.of(4, mutated), Tuple.of(1, random),
                Tuple.of(1, pastLimits)).fixGenSize(Wire.GEN_SIZE);
    }
}
