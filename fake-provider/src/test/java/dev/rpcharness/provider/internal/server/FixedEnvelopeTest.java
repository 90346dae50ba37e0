package dev.rpcharness.provider.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The hand reader of the contract's fixed body shape: it takes exactly that shape, declines everything else, and
 * the call decoder decides every body the same way with it as with the full parser alone.
 */
class FixedEnvelopeTest {

    /** A served interface of the test. */
    interface Greeter {
        String hello(String name);

        String pair(String a, String b);

        int count(int n);

        String none();
    }

    private static final String GREETER = Greeter.class.getName();
    private static final Supplier<String> NAME = () -> "test-provider";

    private final ServiceTable services = new ServiceTable();
    private final ObjectMapper mapper = RpcJson.newMapper();

    FixedEnvelopeTest() {
        services.serve(Greeter.class, new Greeter() {
            public String hello(String name) {
                return "Hello " + name;
            }

            public String pair(String a, String b) {
                return a + b;
            }

            public int count(int n) {
                return n;
            }

            public String none() {
                return "none";
            }
        });
    }

    private static String fixed(String id, String method, String types, String params) {
        return "{\"requestId\":\"" + id + "\",\"className\":\"" + GREETER + "\",\"methodName\":\"" + method
                + "\",\"parameterTypes\":[" + types + "],\"parameters\":[" + params + "]}";
    }

    private static final List<String> FIXED_SHAPE = List.of(
            fixed("42", "hello", "\"java.lang.String\"", "\"world\""),
            fixed("7", "hello", "\"java.lang.String\"", "null"),
            fixed("8", "pair", "\"java.lang.String\",\"java.lang.String\"", "\"a b\",\"c\""),
            fixed("9", "none", "", ""),
            fixed("10", "hello", "\"java.lang.String\"", "\"\""));

    private static final List<String> UNUSUAL = List.of(
            fixed("42", "hello", "\"java.lang.String\"", "\"w\\\"orld\""),        // an escape
            fixed("42", "hello", "\"java.lang.String\"", "\"wörld\""),            // not ASCII
            fixed("42", "count", "\"int\"", "3"),                                 // not a String parameter
            fixed("42", "hello", "\"java.lang.String\"", "\"a\",\"b\""),          // too many arguments
            fixed("42", "pair", "\"java.lang.String\",\"java.lang.String\"", "\"a\""), // too few
            fixed("42", "nope", "\"java.lang.String\"", "\"x\""),                 // no such method
            fixed("42", "hello", "\"java.lang.String\"", "\"x\"") + " ",          // bytes after the end
            fixed("42", "hello", "\"java.lang.String\"", "\"x\"").replace(",\"", ", \""), // white space
            "{\"className\":\"" + GREETER + "\",\"requestId\":\"1\",\"methodName\":\"hello\","
                    + "\"parameterTypes\":[\"java.lang.String\"],\"parameters\":[\"x\"]}", // another order
            fixed("42", "hello", "\"java.lang.String\"", "\"x\"").replace("]}", "]"), // not closed
            fixed("42", "hello", "\"java.lang.String\"", "{\"a\":1}"),            // an object for a String
            "not json at all");

    @Test
    void fixedShapeBodiesAreReadByHand() {
        FixedEnvelope envelope = new FixedEnvelope(services, NAME);
        for (String body : FIXED_SHAPE) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            assertThat(envelope.decode(b, 0, b.length, true)).as(body).isNotNull();
        }
        byte[] b = FIXED_SHAPE.get(0).getBytes(StandardCharsets.UTF_8);
        DecodedCall call = envelope.decode(b, 0, b.length, true);
        assertThat(call.requestId).isEqualTo("42");
        assertThat(call.className).isEqualTo(GREETER);
        assertThat(call.methodName).isEqualTo("hello");
        assertThat(call.parameterTypes).containsExactly("java.lang.String");
        assertThat(call.args).containsExactly("world");
        assertThat(envelope.decode(b, 0, b.length, false).requestId).isNull();
    }

    @Test
    void repeatedNamesAreTheSameStringsFromTheCache() {
        FixedEnvelope envelope = new FixedEnvelope(services, NAME);
        byte[] first = fixed("1", "hello", "\"java.lang.String\"", "\"a\"").getBytes(StandardCharsets.UTF_8);
        byte[] second = fixed("2", "hello", "\"java.lang.String\"", "\"b\"").getBytes(StandardCharsets.UTF_8);
        DecodedCall a = envelope.decode(first, 0, first.length, true);
        DecodedCall b = envelope.decode(second, 0, second.length, true);
        assertThat(b.className).isSameAs(a.className);
        assertThat(b.methodName).isSameAs(a.methodName);
        assertThat(b.parameterTypes).isSameAs(a.parameterTypes);
        assertThat(b.args).containsExactly("b");
    }

    @Test
    void unusualBodiesAreDeclinedForTheFullParser() {
        FixedEnvelope envelope = new FixedEnvelope(services, NAME);
        for (String body : UNUSUAL) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            assertThat(envelope.decode(b, 0, b.length, true)).as(body).isNull();
        }
    }

    @Test
    void aBodyInsideALargerArrayIsReadFromItsOffset() {
        FixedEnvelope envelope = new FixedEnvelope(services, NAME);
        String body = FIXED_SHAPE.get(2);
        byte[] padded = ("xx" + body + "yy").getBytes(StandardCharsets.UTF_8);
        DecodedCall call = envelope.decode(padded, 2, padded.length - 4, true);
        assertThat(call).isNotNull();
        assertThat(call.args).containsExactly("a b", "c");
    }

    @Test
    void theDecoderDecidesEveryBodyAsTheFullParserDoes() {
        CallDecoder withFixed = new CallDecoder(services, mapper, NAME, true);
        CallDecoder fullOnly = new CallDecoder(services, mapper, NAME, false);
        for (String body : concat(FIXED_SHAPE, UNUSUAL)) {
            for (boolean direct : new boolean[] {false, true}) {
                for (boolean bodyId : new boolean[] {false, true}) {
                    assertThat(outcome(withFixed, body, direct, bodyId))
                            .as("%s (direct buffer %s, body id %s)", body, direct, bodyId)
                            .isEqualTo(outcome(fullOnly, body, direct, bodyId));
                }
            }
        }
    }

    @Test
    void everyBodyIsDecidedTheSameRightAfterAnyOther() {
        // the envelope compares a body with the names of the body read before it first: every pair of bodies, so
        // every way a body can start like the last one and then differ, goes through that comparison
        CallDecoder fullOnly = new CallDecoder(services, mapper, NAME, false);
        List<String> all = concat(FIXED_SHAPE, UNUSUAL);
        List<String> lookalikes = List.of(
                fixed("3", "hello", "\"java.lang.String\",\"java.lang.String\"", "\"a\",\"b\""), // one more type
                fixed("3", "hello", "", ""),                                                     // no types
                fixed("3", "hello", "\"java.lang.String\"", "\"a\"").replace("\"parameters\"", "\"parameterz\""));
        for (String before : concat(all, lookalikes)) {
            for (String body : concat(all, lookalikes)) {
                CallDecoder withFixed = new CallDecoder(services, mapper, NAME, true);
                outcome(withFixed, before, false, true);
                assertThat(outcome(withFixed, body, false, true)).as("%s right after %s", body, before)
                        .isEqualTo(outcome(fullOnly, body, false, true));
            }
        }
    }

    /** What a decoder makes of a body, as text that names every decision. */
    private static String outcome(CallDecoder decoder, String body, boolean direct, boolean bodyId) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = direct ? Unpooled.directBuffer(bytes.length) : Unpooled.buffer(bytes.length);
        buf.writeBytes(bytes);
        try {
            DecodedCall[] out = new DecodedCall[1];
            Throwable error = catchThrowable(() -> out[0] = decoder.decode(buf, new byte[1024], bodyId));
            if (error != null) {
                return "not a call: " + error.getClass().getSimpleName();
            }
            DecodedCall c = out[0];
            return String.join(" | ", String.valueOf(c.requestId), String.valueOf(c.className),
                    String.valueOf(c.methodName), String.valueOf(c.parameterTypes),
                    c.binding == null ? "unbound" : c.binding.label,
                    c.unknownTarget == null ? "-" : c.unknownTarget.getMessage(),
                    c.args == null ? "no args" : java.util.Arrays.deepToString(c.args),
                    c.argumentError == null ? "-" : c.argumentError.getMessage());
        } finally {
            buf.release();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
