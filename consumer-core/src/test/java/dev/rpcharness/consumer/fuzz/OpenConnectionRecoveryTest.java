package dev.rpcharness.consumer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reproducers of what the fuzz properties found outside the codec, on a connection the provider keeps open: the
 * first call is answered with the offending bytes, and before the fix every later call on that connection timed
 * out, because the connection never failed and never delivered another response. Now the consumer ends the
 * connection as a protocol violation, each call on it ends typed, and a later call succeeds on a new connection.
 */
class OpenConnectionRecoveryTest {

    /** Generous: the stalled-response check needs two calls written before the first of them times out. */
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(1000);
    private static final long RECOVERY_MILLIS = 20_000;

    private WirePeer peer;
    private ConsumerClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    /**
     * Answers call tag 0 with {@code bytes(id)} after a third of the call timeout, every other call with "ok" at
     * once; keeps the connection open.
     */
    private AsyncObjectProxy peerAnsweringFirstCallWith(Function<String, String> bytes) {
        peer = new WirePeer(new Object()).start();
        peer.script(exchange -> {
            if (exchange.request().parameters().get(0).asInt() == 0) {
                // A third of the call timeout late: when call 0's timer fires (late, on a loaded machine), its
                // partial response has not yet waited a whole call timeout, so that timeout alone never ends the
                // connection; the calls written behind it do.
                Thread.sleep(CALL_TIMEOUT.toMillis() / 3);
                exchange.raw(bytes.apply(exchange.id()));
            } else {
                exchange.result("ok");
            }
        });
        client = new ConsumerClient(peer.address(), ConsumerOptions.builder().callTimeout(CALL_TIMEOUT)
                .connectionsPerProvider(1).reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).build());
        return client.createAsync(FuzzService.class);
    }

    private static Throwable failure(RpcFuture future) throws Exception {
        try {
            Object result = future.get(30, TimeUnit.SECONDS);
            return fail("expected the call to fail, it returned " + result);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Calls until one succeeds; fails with the last error after {@link #RECOVERY_MILLIS}. */
    private static void assertLaterCallsSucceed(AsyncObjectProxy proxy) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECOVERY_MILLIS);
        Throwable last = null;
        int calls = 0;
        while (System.nanoTime() - deadline < 0) {
            calls++;
            try {
                assertThat(proxy.call("text", 10 + calls).get(30, TimeUnit.SECONDS)).isEqualTo("ok");
                return;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(RpcException.class);
                last = e.getCause();
            }
        }
        throw new AssertionError(calls + " later calls failed over " + RECOVERY_MILLIS + " ms; the last with "
                + last, last);
    }

    /**
     * A response that never completes: the call it answers times out; of two calls written behind it, the first
     * to reach its deadline times out too and finds that partial response waiting for longer than the call
     * timeout, so the other ends at once with "response stalled" and the connection is replaced.
     */
    private void assertStallEndsTheConnection(AsyncObjectProxy proxy) throws Exception {
        assertThat(failure(proxy.call("text", 0))).isInstanceOf(RpcTimeoutException.class);
        RpcFuture a = proxy.call("text", 1);
        RpcFuture b = proxy.call("text", 2);
        List<Throwable> errors = List.of(failure(a), failure(b));
        assertThat(errors).filteredOn(RpcTimeoutException.class::isInstance).hasSize(1);
        assertThat(errors).filteredOn(RpcProtocolException.class::isInstance).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("FuzzService#text", peer.address(),
                        "response stalled", "bytes without a complete response for"));
        assertLaterCallsSucceed(proxy);
    }

    /**
     * A {@code 101 Switching Protocols} response that names its call used to fail that call ("HTTP 101") and keep
     * the connection, but Netty's HttpObjectDecoder passes every byte after a 101 through undecoded
     * (isSwitchingToNonHttp1Protocol), so every later call on the connection timed out. Any 1xx is now a
     * protocol violation.
     */
    @Test
    void switchingProtocolsResponseIsAProtocolViolation() throws Exception {
        AsyncObjectProxy proxy = peerAnsweringFirstCallWith(
                id -> "HTTP/1.1 101 Switching Protocols\r\nX-Rpc-Request-Id: " + id + "\r\n\r\n");
        assertThat(failure(proxy.call("text", 0))).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("FuzzService#text").hasMessageContaining(peer.address())
                .hasMessageContaining("HTTP 101 Switching Protocols").hasMessageContaining("connection closed");
        assertLaterCallsSucceed(proxy);
    }

    /**
     * A 200 with neither Content-Length nor chunked encoding is read until the connection closes; on a connection
     * the provider keeps open, every later response became part of that body, and every later call timed out until
     * {@code maxResponseBytes} of them had piled up (16 MiB by default).
     */
    @Test
    void responseWithoutLengthDoesNotStallTheConnection() throws Exception {
        assertStallEndsTheConnection(peerAnsweringFirstCallWith(
                id -> "HTTP/1.1 200 OK\r\nX-Rpc-Request-Id: " + id + "\r\n\r\n{\"result\":\"a\"}"));
    }

    /** The same stall when Content-Length announces more than the provider sends. */
    @Test
    void contentLengthLongerThanTheBodyDoesNotStallTheConnection() throws Exception {
        assertStallEndsTheConnection(peerAnsweringFirstCallWith(
                id -> "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nX-Rpc-Request-Id: " + id
                        + "\r\n\r\n{\"result\":\"a\"}"));
    }

    /** The same stall when a continuation line folded onto "Transfer-Encoding: chunked" makes it not chunked. */
    @Test
    void foldedTransferEncodingDoesNotStallTheConnection() throws Exception {
        assertStallEndsTheConnection(peerAnsweringFirstCallWith(
                id -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n folded continuation\r\nX-Rpc-Request-Id: "
                        + id + "\r\n\r\n{\"result\":\"a\"}"));
    }
}
