package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.testing.WirePeer;
import dev.rpcharness.consumer.testing.WirePeer.Exchange;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour 10: every way a provider can break the wire contract ends the affected calls with
 * {@link RpcProtocolException} at once; a non-2xx with an id fails only that call, an uncorrelatable response
 * closes the connection and fails every call in flight on it.
 */
class ProtocolViolationTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private WirePeer peer;
    private ConsumerClient client;
    private AsyncObjectProxy async;
    private HelloService hello;

    @BeforeEach
    void start() {
        peer = new WirePeer(new HelloServiceImpl()).start();
        // One connection: each violation closes "the" connection and fails the calls in flight on it.
        client = new ConsumerClient(peer.address(), ConsumerOptions.builder().connectionsPerProvider(1).callTimeout(LONG)
                .maxResponseBytes(4096).reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build());
        async = client.createAsync(HelloService.class);
        hello = client.create(HelloService.class);
    }

    @AfterEach
    void stop() {
        client.close();
        peer.close();
    }

    /** Holds "slow" calls unanswered, answers "hello" calls with {@code violation}, others normally. */
    private CountDownLatch scriptWithBystander(WirePeer.Script violation) {
        CountDownLatch bystanderArrived = new CountDownLatch(1);
        peer.script(exchange -> {
            switch (exchange.method()) {
                case "slow" -> bystanderArrived.countDown();
                case "hello" -> violation.answer(exchange);
                default -> exchange.invoke();
            }
        });
        return bystanderArrived;
    }

    private RpcFuture bystander(CountDownLatch arrived) throws InterruptedException {
        RpcFuture bystander = async.call("slow", "held", 0L);
        assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
        return bystander;
    }

    @Test
    void nonSuccessStatusWithIdFailsThatCallOnlyAndKeepsTheConnection() throws Exception {
        peer.script(exchange -> {
            if (exchange.method().equals("hello")) {
                exchange.json(HttpResponseStatus.SERVICE_UNAVAILABLE, exchange.id(), "{}".getBytes());
            } else {
                exchange.invoke();
            }
        });
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("503").hasMessageContaining("HelloService#hello");
        assertThat(hello.add(1, 1)).isEqualTo(2);
        assertThat(peer.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void unknownRequestIdClosesTheConnectionAndFailsItsCallsAtOnce() throws Exception {
        CountDownLatch arrived = scriptWithBystander(
                exchange -> exchange.json(HttpResponseStatus.OK, "999999", "{\"requestId\":\"999999\"}".getBytes()));
        RpcFuture bystander = bystander(arrived);
        RpcFuture violated = async.call("hello", "x");
        await().atMost(Duration.ofSeconds(5)).until(() -> bystander.isDone() && violated.isDone());
        assertThat(bystander.failure()).isInstanceOf(RpcProtocolException.class).hasMessageContaining("never sent");
        assertThat(violated.failure()).isInstanceOf(RpcProtocolException.class);
        assertThat(client.pendingCalls()).isZero();
        // The client reconnects and carries on.
        peer.script(Exchange::invoke);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(hello.add(2, 2)).isEqualTo(4));
        assertThat(peer.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void nonNumericRequestIdIsAViolation() {
        peer.script(exchange -> exchange.json(HttpResponseStatus.OK, "abc", "{\"result\":\"x\"}".getBytes()));
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("'abc'");
    }

    @Test
    void garbageBytesFailEveryCallInFlightWithAProtocolError() throws Exception {
        CountDownLatch arrived = scriptWithBystander(exchange -> exchange.raw("\u0000\u0001garbage\r\n\r\nnot http"));
        RpcFuture bystander = bystander(arrived);
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("malformed");
        await().atMost(Duration.ofSeconds(5)).until(bystander::isDone);
        assertThat(bystander.failure()).isInstanceOf(RpcProtocolException.class);
    }

    @Test
    void cutOffStatusLineThenCloseIsAProtocolErrorNotAConnectionLoss() {
        peer.script(exchange -> {
            exchange.rawThenClose("HTTP/1.1 20");
        });
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class);
    }

    @Test
    void onlySkippableBytesThenCloseIsAProtocolErrorNotAConnectionLoss() {
        peer.script(exchange -> {
            exchange.rawThenClose("\r\n\r\n \t ");
        });
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("not a complete response");
    }

    @Test
    void garbageThenCloseIsAProtocolError() {
        peer.script(exchange -> {
            exchange.rawThenClose("\u0007\u0003random bytes with no line end");
        });
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class);
    }

    @Test
    void cleanCloseBetweenResponsesIsAConnectionLoss() throws Exception {
        peer.script(exchange -> {
            if (exchange.method().equals("hello")) {
                exchange.invoke();
            } else {
                exchange.close();
            }
        });
        assertThat(hello.hello("first")).isEqualTo("Hello first");
        assertThatThrownBy(() -> hello.add(1, 1)).isInstanceOf(ConnectionLostException.class);
    }

    @Test
    void truncatedBodyIsAProtocolError() {
        peer.script(exchange -> {
            exchange.rawThenClose("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                    + "X-Rpc-Request-Id: " + exchange.id() + "\r\n\r\n{\"requestId\":\"" + exchange.id() + "\",\"res");
        });
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void truncatedBodyOnOpenConnectionIsAProtocolErrorWhenTheConnectionEnds() {
        peer.script(exchange -> {
            exchange.raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-Rpc-Request-Id: " + exchange.id()
                    + "\r\n\r\n{\"requestId\":");
            exchange.rawThenClose("\r\n\r\n"); // still short of the promised length
        });
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void oversizedResponseIsAProtocolError() {
        peer.script(exchange -> exchange.result("x".repeat(10_000)));
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("oversized");
    }

    @Test
    void unparsableBodyFailsTheCallAndClosesTheConnection() throws Exception {
        CountDownLatch arrived = scriptWithBystander(
                exchange -> exchange.json(HttpResponseStatus.OK, exchange.id(), "{not json".getBytes()));
        RpcFuture bystander = bystander(arrived);
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("not valid JSON");
        await().atMost(Duration.ofSeconds(5)).until(bystander::isDone);
        assertThat(bystander.failure()).isInstanceOf(RpcProtocolException.class);
    }

    @Test
    void resultOfTheWrongTypeFailsThatCallOnly() {
        peer.script(exchange -> {
            if (exchange.method().equals("add")) {
                exchange.result("forty-two");
            } else {
                exchange.invoke();
            }
        });
        assertThatThrownBy(() -> hello.add(40, 2)).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("does not decode");
        assertThat(hello.hello("still")).isEqualTo("Hello still");
        assertThat(peer.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void missingHeaderFallsBackToTheBodyRequestId() {
        peer.script(exchange -> exchange.json(HttpResponseStatus.OK, null,
                ("{\"result\":\"from body\",\"requestId\":\"" + exchange.id() + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(hello.hello("x")).isEqualTo("from body");
    }

    @Test
    void responseWithNoIdAtAllIsAViolation() {
        peer.script(exchange -> exchange.json(HttpResponseStatus.OK, null, "{\"result\":\"x\"}".getBytes()));
        assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                .hasMessageContaining("no request id");
    }

    @Test
    void duplicateAnswerIsDroppedQuietly() {
        peer.script(exchange -> {
            exchange.invoke();
            exchange.invoke();
        });
        assertThat(hello.hello("a")).isEqualTo("Hello a");
        assertThat(hello.hello("b")).isEqualTo("Hello b");
        assertThat(peer.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void outOfOrderAnswersReachTheirOwnCalls() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        peer.script(exchange -> {
            if (exchange.method().equals("slow")) {
                second.await(5, TimeUnit.SECONDS);
            } else {
                second.countDown();
            }
            exchange.invoke();
        });
        RpcFuture first = async.call("slow", "first", 0L);
        RpcFuture next = async.call("hello", "second");
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("Hello second");
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
    }
}
