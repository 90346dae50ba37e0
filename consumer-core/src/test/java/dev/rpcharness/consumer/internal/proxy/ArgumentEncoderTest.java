package dev.rpcharness.consumer.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.protocol.RpcJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reused generators give each call exactly its own JSON array, also after a call whose encoding failed. */
class ArgumentEncoderTest {

    interface Shop {
        String order(String sku, int count, List<Map<String, Object>> lines);
    }

    /** Jackson cannot encode this: its getter throws. */
    public static final class Broken {
        public String getValue() {
            throw new IllegalStateException("no value");
        }
    }

    interface Sink {
        void take(Object anything);
    }

    private final ObjectMapper mapper = RpcJson.newMapper();

    @Test
    void eachCallGetsExactlyItsOwnArrayWhenGeneratorsAreReused() throws Exception {
        ArgumentEncoder encoder = new ArgumentEncoder(mapper);
        MethodMetadata order = new ServiceMethods(Shop.class, mapper).resolve("order", new Object[3]);
        MethodMetadata take = new ServiceMethods(Sink.class, mapper).resolve("take", new Object[1]);
        for (int i = 0; i < 50; i++) {
            Object[] args = {"sku-" + i + "\"\u00e9\n", i, List.of(Map.of("n", i, "s", "x".repeat(i * 40)))};
            byte[] bytes = encoder.encode(order, args);
            assertThat(new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo(mapper.writeValueAsString(List.of(args[0], args[1], args[2])));
            if (i % 10 == 3) {
                assertThatThrownBy(() -> encoder.encode(take, new Object[] {new Broken()}))
                        .isInstanceOf(RpcException.class).hasMessageContaining("cannot encode argument 0 of Sink#take");
            }
        }
        assertThat(new String(encoder.encode(take, new Object[] {null}), StandardCharsets.UTF_8)).isEqualTo("[null]");
        assertThatThrownBy(() -> encoder.encode(take, new Object[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Sink#take takes 1 arguments, got 0");
    }
}
