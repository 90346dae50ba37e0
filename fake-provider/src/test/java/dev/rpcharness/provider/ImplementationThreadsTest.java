package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.testing.WireClient;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Where implementations run: on the connection's event loop by default, on the worker pool when the provider is
 * told they block, and a method seen slow on the event loop several calls in a row moves to the worker pool.
 */
class ImplementationThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NAPPER = Napper.class.getName();

    /** The served interface. */
    public interface Napper {
        String thread();

        String nap(int millis) throws InterruptedException;
    }

    /** Sleeps or waits as told. */
    public static final class NapperImpl implements Napper {
        @Override
        public String thread() {
            return Thread.currentThread().getName();
        }

        @Override
        public String nap(int millis) throws InterruptedException {
            Thread.sleep(millis);
            return thread();
        }
    }

    private final ObjectMapper json = RpcJson.newMapper();

    private String call(WireClient wire, String id, String method, String types, String params) throws Exception {
        wire.send(id, callBody(id, NAPPER, method, types, params));
        WireClient.Response r = wire.read(WAIT);
        assertThat(r.header("X-Rpc-Request-Id")).isEqualTo(id);
        return json.readTree(r.body()).get("result").asText();
    }

    @Test
    void implementationsRunOnTheEventLoopByDefaultAndOnWorkersWhenTheyBlock() throws Exception {
        try (FakeProvider fast = FakeProvider.builder().name("fast").serve(Napper.class, new NapperImpl()).build()
                .start();
             FakeProvider blocking = FakeProvider.builder().name("blocking").blockingImplementations(true)
                     .serve(Napper.class, new NapperImpl()).build().start();
             WireClient f = new WireClient(fast.host(), fast.port());
             WireClient b = new WireClient(blocking.host(), blocking.port())) {
            assertThat(call(f, "1", "thread", "[]", "[]")).startsWith("fast-io-");
            assertThat(call(b, "1", "thread", "[]", "[]")).startsWith("blocking-worker-");
        }
    }

    @Test
    void aMethodSlowOnTheEventLoopThreeCallsInARowMovesToTheWorkers() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().name("adaptive").serve(Napper.class, new NapperImpl())
                .build()
                .start();
             WireClient wire = new WireClient(provider.host(), provider.port())) {
            for (int i = 1; i <= CallDispatcher.SLOW_STREAK; i++) {
                assertThat(call(wire, Integer.toString(i), "nap", "[\"int\"]", "[30]")).startsWith("adaptive-io-");
            }
            assertThat(call(wire, "4", "nap", "[\"int\"]", "[0]")).startsWith("adaptive-worker-");
            assertThat(call(wire, "5", "thread", "[]", "[]")).as("other methods stay").startsWith("adaptive-io-");

            // A slow call of the moved method no longer holds up the connection's other calls.
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(wire.request("6", callBody("6", NAPPER, "nap", "[\"int\"]", "[300]")));
            both.write(wire.request("7", callBody("7", NAPPER, "thread", "[]", "[]")));
            wire.sendRaw(both.toByteArray());
            assertThat(wire.read(WAIT).header("X-Rpc-Request-Id")).as("the fast call is not held up").isEqualTo("7");
            assertThat(wire.read(WAIT).header("X-Rpc-Request-Id")).isEqualTo("6");
        }
    }
}
