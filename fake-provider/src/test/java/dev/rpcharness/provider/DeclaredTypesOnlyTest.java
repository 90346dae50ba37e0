package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.testing.WireClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A provider binds a call's arguments to the declared parameter types only: class names in a payload (polymorphic
 * type ids, gadget class names, parameter types naming other classes) are never loaded or instantiated.
 */
class DeclaredTypesOnlyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String VAULT = Vault.class.getName();

    /** Counts what the gadgets' static initialisers and constructors did; read without touching the gadgets. */
    static final class Witness {
        static final AtomicInteger INITIALISED = new AtomicInteger();
        static final AtomicInteger CREATED = new AtomicInteger();
    }

    /** A base type that asks Jackson for class-name type ids. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public abstract static class Shape {
    }

    /** A gadget that is a Shape: loading it or creating one is what an attacker wants. */
    public static final class Gadget extends Shape {
        static {
            Witness.INITIALISED.incrementAndGet();
        }

        public Gadget() {
            Witness.CREATED.incrementAndGet();
        }
    }

    /** A gadget that is not a Shape: even loading it runs its static initialiser. */
    public static final class LooseGadget {
        static {
            Witness.INITIALISED.incrementAndGet();
        }

        public LooseGadget() {
            Witness.CREATED.incrementAndGet();
        }
    }

    /** The served interface. */
    public interface Vault {
        String describe(Object value);

        String shape(Shape shape);

        String map(Map<String, Object> values);
    }

    /** Answers the runtime class names of what it received. */
    public static final class VaultImpl implements Vault {
        @Override
        public String describe(Object value) {
            return value == null ? "null" : value.getClass().getName();
        }

        @Override
        public String shape(Shape shape) {
            return shape == null ? "null" : shape.getClass().getName();
        }

        @Override
        public String map(Map<String, Object> values) {
            StringBuilder sb = new StringBuilder();
            values.forEach((k, v) -> sb.append(k).append('=').append(v == null ? "null" : v.getClass().getName())
                    .append(';'));
            return sb.toString();
        }
    }

    private final ObjectMapper json = RpcJson.newMapper();
    private FakeProvider provider;
    private WireClient wire;
    private int ids;

    @BeforeEach
    void start() throws Exception {
        Witness.INITIALISED.set(0);
        Witness.CREATED.set(0);
        provider = FakeProvider.builder().name("vault").serve(Vault.class, new VaultImpl()).build().start();
        wire = new WireClient(provider.host(), provider.port());
    }

    @AfterEach
    void stop() throws Exception {
        wire.close();
        provider.close();
    }

    private JsonNode call(String method, Class<?> type, String argument) throws Exception {
        String id = Integer.toString(++ids);
        wire.send(id, callBody(id, VAULT, method, "[\"" + type.getName() + "\"]", "[" + argument + "]"));
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.status()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private static String gadget(Class<?> c) {
        return c.getName();
    }

    @Test
    void typeIdsInAnObjectArgumentStayPlainData() throws Exception {
        assertThat(call("describe", Object.class, "{\"@class\":\"" + gadget(Gadget.class) + "\"}")
                .get("result").asText()).isEqualTo("java.util.LinkedHashMap");
        assertThat(call("describe", Object.class, "[\"" + gadget(LooseGadget.class) + "\",{}]")
                .get("result").asText()).isEqualTo("java.util.ArrayList");
        assertThat(call("map", Map.class, "{\"a\":{\"@class\":\"" + gadget(Gadget.class) + "\"},\"b\":[\""
                + gadget(LooseGadget.class) + "\",{}]}").get("result").asText())
                .isEqualTo("a=java.util.LinkedHashMap;b=java.util.ArrayList;");
        assertThat(Witness.INITIALISED.get()).as("gadget classes initialised").isZero();
        assertThat(Witness.CREATED.get()).as("gadgets created").isZero();
    }

    @Test
    void classNameTypeIdsAreNeverResolvedEvenWhereTheDeclaredTypeAsksForThem() throws Exception {
        JsonNode subtype = call("shape", Shape.class, "{\"@class\":\"" + gadget(Gadget.class) + "\"}");
        assertThat(subtype.has("error")).as("answer %s", subtype).isTrue();
        assertThat(subtype.get("error").get("type").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(subtype.get("error").get("message").asText()).contains("argument 0 of shape");
        JsonNode unrelated = call("shape", Shape.class, "{\"@class\":\"" + gadget(LooseGadget.class) + "\"}");
        assertThat(unrelated.has("error")).as("answer %s", unrelated).isTrue();
        assertThat(unrelated.get("error").get("type").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(Witness.INITIALISED.get()).as("gadget classes initialised").isZero();
        assertThat(Witness.CREATED.get()).as("gadgets created").isZero();
    }

    @Test
    void parameterTypesNamingAnotherClassFindNoMethodAndLoadNothing() throws Exception {
        JsonNode r = call("describe", LooseGadget.class, "{}");
        assertThat(r.get("error").get("type").asText()).isEqualTo("java.lang.NoSuchMethodException");
        assertThat(Witness.INITIALISED.get()).as("gadget classes initialised").isZero();
    }
}
