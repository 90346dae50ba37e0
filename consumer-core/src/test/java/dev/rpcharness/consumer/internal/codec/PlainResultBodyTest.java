package dev.rpcharness.consumer.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.Outcome;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.protocol.RpcJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plain-body fast path gives exactly what the JSON parser gives, and refuses every body that is not exactly the
 * plain shape (so the parser judges it).
 */
class PlainResultBodyTest {

    interface Shapes {
        String text(String s);

        Object anything(String s);
    }

    private static final List<String> PLAIN = List.of(
            "{\"requestId\":\"42\",\"result\":\"Hello world\"}",
            "{\"requestId\":\"\",\"result\":\"\"}",
            "{\"requestId\":\"a-1\",\"result\":\"~ !#$%&'()*+,-./:;<=>?@[]^_`{|}\"}");

    private static final List<String> NOT_PLAIN = List.of(
            "{\"requestId\":\"42\",\"result\":\"w\\\"orld\"}",                 // an escape
            "{\"requestId\":\"42\",\"result\":\"w\\u00f6rld\"}",               // an escape
            "{\"requestId\":\"42\",\"result\":\"w\u00f6rld\"}",                // not ASCII
            "{\"requestId\":\"42\",\"result\":\"tab\there\"}",                 // a control character
            "{\"requestId\":\"42\", \"result\":\"x\"}",                        // white space
            "{\"result\":\"x\",\"requestId\":\"42\"}",                         // another order
            "{\"requestId\":\"42\",\"result\":\"x\",\"error\":null}",          // another field
            "{\"requestId\":\"42\",\"result\":\"x\"} ",                        // bytes after the end
            "{\"requestId\":\"42\",\"result\":\"x\"}}",                        // bytes after the end
            "{\"requestId\":42,\"result\":\"x\"}",                             // a numeric id
            "{\"requestId\":\"42\",\"result\":3}",                             // not a string
            "{\"requestId\":\"42\",\"result\":\"x\"",                          // not closed
            "{\"requestId\":\"42\",\"result\":\"a\",\"result\":\"b\"}",        // the field twice
            "{\"requestId\":\"4\"2\",\"result\":\"x\"}",                       // a quote in the id
            "{\"requestId\":\"42\",\"result\":\"\"}\"}");                      // not one object

    private final ObjectMapper mapper = RpcJson.newMapper();
    private final ResponseDecoder decoder = new ResponseDecoder(mapper);
    private final ServiceMethods methods = new ServiceMethods(Shapes.class, mapper);

    @Test
    void plainBodiesAreReadAsTheParserReadsThem() throws Exception {
        for (String body : PLAIN) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(PlainResultBody.result(bytes, 0, bytes.length)).as(body)
                    .isNotNull().isEqualTo(mapper.readTree(body).get("result").textValue());
            assertThat(decode(body, "text").result()).as(body).isEqualTo(decode(body, "anything").result());
        }
    }

    @Test
    void everyOtherBodyIsLeftToTheParser() {
        for (String body : NOT_PLAIN) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(PlainResultBody.result(bytes, 0, bytes.length)).as(body).isNull();
        }
    }

    @Test
    void aPlainBodyInsideALargerArrayIsReadWithinItsBounds() {
        String body = PLAIN.get(0);
        byte[] padded = ("xx" + body + "yy").getBytes(StandardCharsets.UTF_8);
        assertThat(PlainResultBody.result(padded, 2, body.length())).isEqualTo("Hello world");
        assertThat(PlainResultBody.result(padded, 2, body.length() - 1)).as("cut short").isNull();
        byte[] cut = ("{\"requestId\":\"42\"" + ",\"result\":\"x\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(PlainResultBody.result(cut, 0, 20)).as("cut inside the middle").isNull();
    }

    private Outcome decode(String body, String methodName) throws Exception {
        MethodMetadata method = methods.of(Shapes.class.getMethod(methodName, String.class));
        ByteBuf buf = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        try {
            return decoder.decode(buf, method);
        } finally {
            buf.release();
        }
    }
}
