package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.rpcharness.consumer.testing.WirePeer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A result type that carries class-name type ids ({@code @JsonTypeInfo(use = CLASS)}) is decoded into its declared
 * types only: a response naming any other class ends the call with {@link RpcProtocolException} naming the method
 * and the provider, and the named class is never loaded.
 */
class DeclaredResultTypesTest {

    /** Counts how often {@link Canary} was initialised or built; it must stay 0. JVM-wide, like class loading. */
    static final AtomicInteger CANARY_TOUCHES = new AtomicInteger();

    /** A class a provider must not be able to make the consumer load. */
    public static final class Canary {
        static {
            CANARY_TOUCHES.incrementAndGet();
        }

        public Canary() {
            CANARY_TOUCHES.incrementAndGet();
        }
    }

    /** A result with a field whose type id names its class. */
    public static final class Envelope {
        @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
        public Object payload;
    }

    /** A result type whose own type id names its class. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public static class Point {
        public int x;
    }

    /** A subclass of {@link Point}: not the declared type. */
    public static final class NamedPoint extends Point {
        public String name;
    }

    public interface ShapeService {
        Envelope envelope();

        Point point();
    }

    @Test
    void aResultNamingAnotherClassFailsTheCallAndTheClassIsNeverLoaded() throws Exception {
        try (WirePeer peer = new WirePeer(new Object()).start();
             ConsumerClient client = new ConsumerClient(peer.address())) {
            peer.script(x -> x.result(Map.of("payload", Map.of("@class", Canary.class.getName()))));
            ShapeService shapes = client.create(ShapeService.class);
            assertThatThrownBy(shapes::envelope).isInstanceOf(RpcProtocolException.class)
                    .hasMessageContaining("ShapeService#envelope").hasMessageContaining(peer.address())
                    .hasMessageContaining(Canary.class.getName());
            assertThat(CANARY_TOUCHES).as("the class the provider named was loaded").hasValue(0);
        }
    }

    @Test
    void aResultNamingASubclassOfTheDeclaredTypeFailsTheCall() throws Exception {
        try (WirePeer peer = new WirePeer(new Object()).start();
             ConsumerClient client = new ConsumerClient(peer.address())) {
            peer.script(x -> x.result(Map.of("@class", NamedPoint.class.getName(), "x", 1, "name", "n")));
            ShapeService shapes = client.create(ShapeService.class);
            assertThatThrownBy(shapes::point).isInstanceOf(RpcProtocolException.class)
                    .hasMessageContaining("ShapeService#point").hasMessageContaining(peer.address());
        }
    }

    @Test
    void aResultNamingItsDeclaredTypeDecodes() throws Exception {
        try (WirePeer peer = new WirePeer(new Object()).start();
             ConsumerClient client = new ConsumerClient(peer.address())) {
            peer.script(x -> x.result(Map.of("@class", Point.class.getName(), "x", 7)));
            Point p = client.create(ShapeService.class).point();
            assertThat(p).isExactlyInstanceOf(Point.class);
            assertThat(p.x).isEqualTo(7);
        }
    }
}
