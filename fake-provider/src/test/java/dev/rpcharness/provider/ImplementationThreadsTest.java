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
 * Where implementations run: on the worker pool by default, on the connection's I/O thread only when the provider
 * opted in; a slow call on the worker pool holds up no call behind it.
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
    void implementationsRunOnWorkersByDefaultAndOnTheIoThreadOnlyWhenAskedTo() throws Exception {
        try (FakeProvider byDefault = FakeProvider.builder().name("default").serve(Napper.class, new NapperImpl())
                .build().start();
             FakeProvider optIn = FakeProvider.builder().name("opt-in")
                     .implementationThreads(ImplementationThreads.IO_THREAD)
                     .serve(Napper.class, new NapperImpl()).build().start();
             WireClient d = new WireClient(byDefault.host(), byDefault.port());
             WireClient o = new WireClient(optIn.host(), optIn.port())) {
            assertThat(byDefault.implementationThreads()).isEqualTo(ImplementationThreads.WORKER_POOL);
            assertThat(call(d, "1", "thread", "[]", "[]")).startsWith("default-worker-");
            assertThat(call(o, "1", "thread", "[]", "[]")).startsWith("opt-in-io-");
        }
    }

    @Test
    void aSlowCallDoesNotHoldUpTheCallsPipelinedBehindIt() throws Exception {
        try (FakeProvider provider = FakeProvider.builder().name("pipelined").serve(Napper.class, new NapperImpl())
                .build().start();
             WireClient wire = new WireClient(provider.host(), provider.port())) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(wire.request("1", callBody("1", NAPPER, "nap", "[\"int\"]", "[300]")));
            both.write(wire.request("2", callBody("2", NAPPER, "thread", "[]", "[]")));
            wire.sendRaw(both.toByteArray());
            assertThat(wire.read(WAIT).header("X-Rpc-Request-Id")).as("the fast call is not held up").isEqualTo("2");
            assertThat(wire.read(WAIT).header("X-Rpc-Request-Id")).isEqualTo("1");
        }
    }
}
