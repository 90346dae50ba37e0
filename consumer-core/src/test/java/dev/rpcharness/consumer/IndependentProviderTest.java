package dev.rpcharness.consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client works unchanged against an independent provider that follows docs/wire-contract.md: a WireMock server whose
 * stubs echo the request id through response templating, registered in ZooKeeper by hand.
 */
class IndependentProviderTest {

    private static final String ECHO_ID = "{{request.headers.X-Rpc-Request-Id}}";

    private WireMockServer wireMock;

    @BeforeEach
    void start() {
        wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().globalTemplating(true));
        wireMock.start();
    }

    @AfterEach
    void stop() {
        wireMock.stop();
    }

    private static MappingBuilder rpc(String method) {
        return post(urlEqualTo(WireContract.CALL_PATH))
                .withHeader(WireContract.REQUEST_ID_HEADER, com.github.tomakehurst.wiremock.client.WireMock.matching("\\d+"))
                .withRequestBody(matchingJsonPath("$.methodName", com.github.tomakehurst.wiremock.client.WireMock.equalTo(method)))
                .withRequestBody(matchingJsonPath("$.className", com.github.tomakehurst.wiremock.client.WireMock.equalTo(HelloService.class.getName())));
    }

    private void stubEchoingHello() {
        wireMock.stubFor(rpc("hello").willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withHeader(WireContract.REQUEST_ID_HEADER, ECHO_ID)
                .withBody("{\"requestId\":\"" + ECHO_ID + "\",\"result\":\"Hi {{jsonPath request.body '$.parameters[0]'}}\"}")));
    }

    @Test
    void directClientCallsAWireMockStub() throws Exception {
        stubEchoingHello();
        wireMock.stubFor(rpc("items").willReturn(aResponse()
                .withHeader(WireContract.REQUEST_ID_HEADER, ECHO_ID)
                .withBody("{\"requestId\":\"" + ECHO_ID + "\",\"result\":[{\"name\":\"a\",\"quantity\":1}]}")));
        try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + wireMock.port())) {
            HelloService hello = client.create(HelloService.class);
            assertThat(hello.hello("wiremock")).isEqualTo("Hi wiremock");
            assertThat(hello.items(1)).containsExactly(new HelloService.Item("a", 1));
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            List<RpcFuture> futures = List.of(async.call("hello", "a"), async.call("hello", "b"));
            assertThat(futures.get(0).get(5, TimeUnit.SECONDS)).isEqualTo("Hi a");
            assertThat(futures.get(1).get(5, TimeUnit.SECONDS)).isEqualTo("Hi b");
        }
        wireMock.verify(4, postRequestedFor(urlEqualTo(WireContract.CALL_PATH)));
    }

    @Test
    void wireMockFaultsAndErrorsMapToTheContractsErrors() {
        wireMock.stubFor(rpc("fail").willReturn(aResponse()
                .withHeader(WireContract.REQUEST_ID_HEADER, ECHO_ID)
                .withBody("{\"requestId\":\"" + ECHO_ID + "\",\"error\":{\"type\":\"java.lang.IllegalStateException\",\"message\":\"stubbed\"}}")));
        wireMock.stubFor(rpc("slow").willReturn(aResponse().withFixedDelay(2_000)
                .withHeader(WireContract.REQUEST_ID_HEADER, ECHO_ID).withBody("{\"result\":\"late\"}")));
        wireMock.stubFor(rpc("ping").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        wireMock.stubFor(rpc("add").willReturn(aResponse().withStatus(500).withHeader(WireContract.REQUEST_ID_HEADER, ECHO_ID)));
        try (ConsumerClient client = new ConsumerClient("127.0.0.1:" + wireMock.port(),
                ConsumerOptions.builder().callTimeout(Duration.ofMillis(300)).build())) {
            HelloService hello = client.create(HelloService.class);
            assertThatThrownBy(() -> hello.fail("x")).isInstanceOfSatisfying(RemoteInvocationException.class,
                    e -> assertThat(e.remoteType()).isEqualTo("java.lang.IllegalStateException"));
            assertThatThrownBy(hello::ping).isInstanceOf(ConnectionLostException.class);
            assertThatThrownBy(() -> hello.add(1, 2)).isInstanceOf(RpcProtocolException.class).hasMessageContaining("500");
            // Last: WireMock answers one connection's requests in order, so a delayed answer holds later ones.
            assertThatThrownBy(() -> hello.slow("x", 0)).isInstanceOf(RpcTimeoutException.class);
            assertThat(client.pendingCalls()).isZero();
        }
    }

    @Test
    void wireMockRegisteredInZooKeeperIsDiscoveredLikeAnyProvider() throws Exception {
        stubEchoingHello();
        try (TestingServer zooKeeper = new TestingServer(true);
             CuratorFramework registry = CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(),
                     new RetryOneTime(100))) {
            registry.start();
            ProviderNode node = new ProviderNode("127.0.0.1", wireMock.port(), List.of(HelloService.class.getName()), 1);
            registry.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(WireContract.providerNodePath("/rpc", "127.0.0.1", wireMock.port()),
                            node.toJson(RpcJson.newMapper()));
            try (ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zooKeeper.getConnectString()))) {
                assertThat(client.create(HelloService.class).hello("zk")).isEqualTo("Hi zk");
            }
        }
    }
}
