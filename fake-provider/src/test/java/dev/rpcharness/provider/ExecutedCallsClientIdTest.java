package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real provider on loopback and raw socket clients that choose their headers and their local port: client
 * "alpha" runs call 1 from a port, then, after alpha's connection is gone, client "beta" sends a call 1 from the
 * same port that the provider does not execute (it names no served method). The executed-call log tells the two
 * apart by the client id, on the fast path and on Netty's path (a chunked body).
 */
class ExecutedCallsClientIdTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest(name = "chunked={0}")
    @ValueSource(booleans = {false, true})
    void callsWithOnePortAndOneRequestIdFromTwoClientsAreToldApart(boolean chunked) throws Exception {
        try (FakeProvider provider = FakeProvider.builder().name("log")
                .serve(CatalogService.class, new CatalogServiceImpl()).build().start()) {
            int port;
            try (WireClient alpha = new WireClient(provider.host(), provider.port())) {
                port = alpha.localPort();
                alpha.sendRaw(request(provider, "alpha", "hello", chunked));
                assertThat(alpha.read(WAIT).bodyText()).contains("n1");
                alpha.abort();
            }
            await().atMost(WAIT).until(() -> provider.executedCalls().snapshot().ran("alpha", port, 1));
            try (WireClient beta = new WireClient(provider.host(), provider.port(), port)) {
                assertThat(beta.localPort()).isEqualTo(port);
                beta.sendRaw(request(provider, "beta", "noSuchMethod", chunked));
                assertThat(beta.read(WAIT).bodyText()).contains("noSuchMethod");
            }

            ExecutedCalls.Snapshot log = provider.executedCalls().snapshot();
            assertThat(log.ran("alpha", port, 1)).isTrue();
            assertThat(log.ran("beta", port, 1)).as("beta's call 1 from port %d did not run", port).isFalse();
            assertThat(log.ran(port, 1)).as("no call without a client id ran").isFalse();
            assertThat(log.complete()).isTrue();
        }
    }

    /** Call 1 of {@code method} from client {@code clientId}, with a plain or a chunked body. */
    private static byte[] request(FakeProvider provider, String clientId, String method, boolean chunked) {
        String body = callBody("1", CatalogService.class.getName(), method, "[\"java.lang.String\"]", "[\"n1\"]");
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + WireContract.CALL_PATH + " HTTP/1.1\r\nHost: " + provider.host() + ":"
                + provider.port() + "\r\nContent-Type: application/json\r\n" + WireContract.REQUEST_ID_HEADER
                + ": 1\r\n" + WireContract.CLIENT_ID_HEADER + ": " + clientId + "\r\n";
        String framed = chunked
                ? head + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(b.length) + "\r\n" + body
                        + "\r\n0\r\n\r\n"
                : head + "Content-Length: " + b.length + "\r\n\r\n" + body;
        return framed.getBytes(StandardCharsets.UTF_8);
    }
}
