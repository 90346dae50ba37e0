package dev.rpcharness.provider.wiremock;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcArgument;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcCalls;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcError;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcMethod;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcResult;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcStatus;
import static dev.rpcharness.provider.wiremock.RpcWireMock.rpcVoid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.VerificationException;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.rpcharness.cluster.EmbeddedZooKeeper;
import dev.rpcharness.consumer.ConnectionLostException;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RemoteInvocationException;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcProtocolException;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class WireMockProviderTest {

    /** A service interface as a user would declare it. */
    public interface HelloService {
        String hello(String name);

        void ping();
    }

    private final ObjectMapper mapper = RpcJson.newMapper();
    /** One ZooKeeper for the class; each test registers its own WireMock provider in it. */
    private static EmbeddedZooKeeper zk;
    private WireMockProvider provider;
    private HttpClient http;

    @BeforeAll
    static void startZooKeeper() {
        zk = EmbeddedZooKeeper.start();
    }

    @AfterAll
    static void stopZooKeeper() {
        zk.close();
    }

    @BeforeEach
    void start() {
        provider = WireMockProvider.builder().registry(zk.connectString()).service(HelloService.class)
                .name("wm").build().start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    private HttpResponse<String> call(String id, String method, Object... args) throws Exception {
        Map<String, Object> body = Map.of("requestId", id, "className", HelloService.class.getName(),
                "methodName", method, "parameterTypes", List.of("java.lang.String"), "parameters", List.of(args));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + provider.address() + "/rpc"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header(WireContract.REQUEST_ID_HEADER, id)
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void registersLikeAnyProvider() throws Exception {
        try (CuratorFramework client = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            client.start();
            assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
            String path = WireContract.providerNodePath("/rpc", "127.0.0.1", provider.port());
            ProviderNode node = ProviderNode.parse(path, client.getData().forPath(path), mapper);
            assertThat(node).isEqualTo(new ProviderNode("127.0.0.1", provider.port(),
                    List.of(HelloService.class.getName()), 1));
            provider.close();
            assertThat(client.checkExists().forPath(path)).as("node removed on close").isNull();
        }
    }

    @Test
    void resultEchoesTheRequestIdInHeaderAndBody() throws Exception {
        provider.stubFor(rpcMethod(HelloService.class, "hello").willReturn(rpcResult("hi {{not a template}}")));

        HttpResponse<String> response = call("42", "hello", "world");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(WireContract.REQUEST_ID_HEADER)).hasValue("42");
        JsonNode body = mapper.readTree(response.body());
        assertThat(body.get("requestId").asText()).isEqualTo("42");
        assertThat(body.get("result").asText()).isEqualTo("hi {{not a template}}");
    }

    @Test
    void structuredResultsAreEncodedByDataBinding() throws Exception {
        provider.stubFor(rpcMethod(HelloService.class, "hello")
                .willReturn(rpcResult(Map.of("items", List.of(Map.of("n", 1), Map.of("n", 2))))));

        JsonNode body = mapper.readTree(call("7", "hello", "x").body());

        assertThat(body.get("result").get("items").get(1).get("n").asInt()).isEqualTo(2);
    }

    @Test
    void errorAnswerCarriesRemoteTypeAndMessage() throws Exception {
        provider.stubFor(rpcMethod(HelloService.class, "hello")
                .willReturn(rpcError("java.lang.IllegalStateException", "boom")));

        JsonNode body = mapper.readTree(call("9", "hello", "x").body());

        assertThat(body.get("requestId").asText()).isEqualTo("9");
        assertThat(body.get("error").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(body.get("error").get("message").asText()).isEqualTo("boom");
    }

    @Test
    void argumentsSelectStubsAndStatusAnswersKeepTheId() throws Exception {
        provider.stubFor(rpcMethod(HelloService.class, "hello").withRequestBody(rpcArgument(0, equalTo("bob")))
                .willReturn(rpcResult("hi bob")));
        provider.stubFor(rpcMethod(HelloService.class, "hello").withRequestBody(rpcArgument(0, equalTo("eve")))
                .willReturn(rpcStatus(503)));

        assertThat(mapper.readTree(call("1", "hello", "bob").body()).get("result").asText()).isEqualTo("hi bob");
        HttpResponse<String> unavailable = call("2", "hello", "eve");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue(WireContract.REQUEST_ID_HEADER)).hasValue("2");
    }

    @Test
    void verifyCountsCallsPerMethod() throws Exception {
        provider.stubFor(rpcMethod(HelloService.class, "hello").willReturn(rpcResult("hi")));
        call("1", "hello", "a");
        call("2", "hello", "b");

        provider.verify(2, rpcCalls(HelloService.class, "hello"));
        assertThatThrownBy(() -> provider.verify(1, rpcCalls(HelloService.class, "hello")))
                .isInstanceOf(VerificationException.class);
        assertThat(provider.findAll(rpcCalls(HelloService.class, "goodbye"))).isEmpty();
    }

    @Test
    void wireMockDelaysApplyToRpcAnswers() throws Exception {
        provider.stubFor(rpcMethod(HelloService.class, "hello").willReturn(rpcResult("late").withFixedDelay(300)));

        long start = System.nanoTime();
        HttpResponse<String> response = call("5", "hello", "x");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(mapper.readTree(response.body()).get("result").asText()).isEqualTo("late");
        assertThat(tookMs).isGreaterThanOrEqualTo(300);
    }

    @Test
    void consumerClientFindsTheWireMockProviderAndSeesEveryAnswerKind() {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofMillis(2_000)).build();
        try (ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.connectString()), options)) {
            HelloService hello = client.create(HelloService.class);

            provider.stubFor(rpcMethod(HelloService.class, "hello").withRequestBody(rpcArgument(0, equalTo("world")))
                    .willReturn(rpcResult("hi world")));
            provider.stubFor(rpcMethod(HelloService.class, "ping").willReturn(rpcVoid()));
            assertThat(hello.hello("world")).isEqualTo("hi world");
            hello.ping();

            provider.stubFor(rpcMethod(HelloService.class, "hello")
                    .willReturn(rpcError("java.lang.IllegalStateException", "boom")));
            assertThatThrownBy(() -> hello.hello("x")).isInstanceOfSatisfying(RemoteInvocationException.class,
                    e -> assertThat(e.remoteType()).isEqualTo("java.lang.IllegalStateException"));

            provider.stubFor(rpcMethod(HelloService.class, "hello").willReturn(rpcStatus(503)));
            assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcProtocolException.class)
                    .hasMessageContaining("503");

            provider.stubFor(rpcMethod(HelloService.class, "hello")
                    .willReturn(rpcResult("never").withFault(Fault.CONNECTION_RESET_BY_PEER)));
            assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(ConnectionLostException.class);

            provider.stubFor(rpcMethod(HelloService.class, "hello").willReturn(rpcResult("back")));
            assertThat(hello.hello("x")).isEqualTo("back");
            provider.verify(1, rpcCalls(HelloService.class, "ping"));

            // Last: WireMock (Jetty) answers the calls of one connection in order, so a call behind this
            // delayed one would wait for it too.
            provider.stubFor(rpcMethod(HelloService.class, "hello")
                    .willReturn(rpcResult("late").withFixedDelay(4_000)));
            assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(RpcTimeoutException.class);
        }
    }

    static Stream<Arguments> wireMockFaults() {
        return Stream.of(
                Arguments.of(Fault.CONNECTION_RESET_BY_PEER, ConnectionLostException.class),
                Arguments.of(Fault.EMPTY_RESPONSE, ConnectionLostException.class),
                // Random bytes, then a close: a protocol error when the bytes reach the client (it counts bytes
                // that never became a response); a reset may discard them first, leaving a connection loss.
                Arguments.of(Fault.RANDOM_DATA_THEN_CLOSE, RpcException.class),
                Arguments.of(Fault.MALFORMED_RESPONSE_CHUNK, RpcProtocolException.class));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("wireMockFaults")
    void wireMockFaultsReachTheClientAsThePromisedErrors(Fault fault, Class<? extends Exception> expected) {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofSeconds(20)).build();
        try (ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.connectString()), options)) {
            HelloService hello = client.create(HelloService.class);
            provider.stubFor(rpcMethod(HelloService.class, "ping").willReturn(rpcVoid()));
            hello.ping(); // connected and warm: what follows measures the fault alone
            provider.stubFor(rpcMethod(HelloService.class, "hello").willReturn(rpcResult("x").withFault(fault)));

            long start = System.nanoTime();
            assertThatThrownBy(() -> hello.hello("x")).isInstanceOf(expected)
                    .isInstanceOfAny(ConnectionLostException.class, RpcProtocolException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("at once, not at the timeout")
                    .isLessThan(10_000);
        }
    }
}
