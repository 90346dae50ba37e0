package dev.rpcharness.provider.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.RpcResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answer bodies written without Jackson are byte for byte what the provider's Jackson writer gives. */
class PlainAnswerBodyTest {

    private final ObjectWriter jackson = RpcJson.newMapper().writerFor(RpcResponse.class);

    private String viaJackson(String id, Object result) throws Exception {
        return new String(jackson.writeValueAsBytes(RpcResponse.success(id, result)), StandardCharsets.UTF_8);
    }

    @Test
    void plainIdsAndResultsAreWrittenAsJacksonWritesThem() throws Exception {
        List<Object> results = new ArrayList<>(Arrays.asList(null, "", "ping", "Hello world", " ~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
                0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 42L, (short) -7,
                (byte) 12, true, false));
        for (String id : List.of("1", "9007199254740993", "unknown-42", "a b")) {
            for (Object result : results) {
                byte[] plain = PlainAnswerBody.of(id, result);
                assertThat(plain).as("%s %s", id, result).isNotNull();
                assertThat(new String(plain, StandardCharsets.UTF_8)).as("%s %s", id, result)
                        .isEqualTo(viaJackson(id, result));
            }
        }
    }

    @Test
    void anythingToEscapeOrNotAPlainValueIsLeftToJackson() {
        for (Object result : List.of("say \"hi\"", "back\\slash", "line\nbreak", "tab\t", "caf\u00e9", "\u007f",
                "\ud83d\ude00", 1.5, 2.0f, 'c', List.of(1), Map.of("a", 1), new int[] {1})) {
            assertThat(PlainAnswerBody.of("1", result)).as("%s", result).isNull();
        }
        assertThat(PlainAnswerBody.of("a\"b", "x")).isNull();
        assertThat(PlainAnswerBody.of(null, "x")).isNull();
    }
}
