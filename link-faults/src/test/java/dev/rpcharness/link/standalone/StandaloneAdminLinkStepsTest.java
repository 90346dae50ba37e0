package dev.rpcharness.link.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.standalone.ProviderMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * The stand-alone provider's link steps over its real admin HTTP endpoint, against a real ZooKeeper (curator-test)
 * and a real consumer, loopback only: a cut from ZooKeeper past the session timeout removes the provider's node
 * while it still answers direct calls, a heal registers it again; a one-way cut of answers makes a call time out,
 * a heal lets calls through; without {@code --links} the steps are refused 409 naming the option.
 */
class StandaloneAdminLinkStepsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "link-steps-test-token";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void cutFromZooKeeperRemovesTheNodeWhileDirectCallsWorkAndHealRegistersAgain() throws Exception {
        String[] args = {"--links", "--zk", "", "--name", "p1", "--session-timeout-ms", "2000",
                "--admin-token", TOKEN};
        try (TestingServer zk = new TestingServer(true)) {
            args[2] = zk.getConnectString();
            try (ProviderMain.Running p = start(args);
                 CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(),
                         new RetryOneTime(100));
                 ConsumerClient direct = new ConsumerClient(p.provider().advertisedAddress())) {
                curator.start();
                String advertised = p.provider().advertisedAddress();
                assertThat(advertised).as("advertises its client link, not its own port")
                        .isNotEqualTo(p.provider().address());
                int colon = advertised.lastIndexOf(':');
                String node = WireContract.providerNodePath("/rpc", advertised.substring(0, colon),
                        Integer.parseInt(advertised.substring(colon + 1)));
                await().atMost(WAIT).until(() -> curator.checkExists().forPath(node) != null);
                EchoService echo = direct.create(EchoService.class);
                await().atMost(WAIT).until(() -> direct.connectedProviders().size() == 1);
                assertThat(echo.echo("a")).isEqualTo("a");

                assertThat(post(p, "cut-zookeeper").statusCode()).isEqualTo(200);
                await().atMost(WAIT).until(() -> curator.checkExists().forPath(node) == null);
                // Off the registry but still serving: a direct call (no registry) is answered.
                assertThat(echo.echo("b")).isEqualTo("b");
                assertThat(p.provider().stats().answered()).isGreaterThanOrEqualTo(2);

                assertThat(post(p, "heal").statusCode()).isEqualTo(200);
                await().atMost(WAIT).until(() -> curator.checkExists().forPath(node) != null);
            }
        }
    }

    @Test
    void answersCutMakesACallTimeOutAndHealLetsCallsThrough() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ProviderMain.Running p = start(new String[] {"--links", "--zk", zk.getConnectString(), "--name", "p2",
                     "--admin-token", TOKEN});
             ConsumerClient client = new ConsumerClient(new ServiceDiscovery(zk.getConnectString(), "/rpc"),
                     ConsumerOptions.builder().callTimeout(Duration.ofMillis(500)).build())) {
            await().atMost(WAIT).until(() -> client.connectedProviders().size() == 1);
            EchoService echo = client.create(EchoService.class);
            assertThat(echo.echo("a")).isEqualTo("a");

            // The link steps keep the admin's rules: no token, no step.
            HttpResponse<String> noToken = http.send(request(p, "cut-client-answers", false),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(echo.echo("still")).isEqualTo("still");

            long answeredBefore = p.provider().stats().answered();
            HttpResponse<String> cut = post(p, "cut-client-answers");
            assertThat(cut.statusCode()).isEqualTo(200);
            assertThat(cut.body()).contains("p2-clients");
            assertThatThrownBy(() -> echo.echo("b")).isInstanceOf(RpcTimeoutException.class);
            await().atMost(WAIT).until(() -> p.provider().stats().answered() > answeredBefore);

            assertThat(post(p, "heal").statusCode()).isEqualTo(200);
            await().atMost(WAIT).ignoreExceptions().until(() -> "c".equals(echo.echo("c")));
        }
    }

    @Test
    void withoutLinksEveryLinkStepIsRefusedNamingTheOption() throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ProviderMain.Running p = start(new String[] {"--zk", zk.getConnectString(), "--admin-token", TOKEN})) {
            for (String step : new String[] {"cut-zookeeper", "cut-clients", "cut-client-requests",
                    "cut-client-answers", "heal"}) {
                HttpResponse<String> answer = post(p, step);
                assertThat(answer.statusCode()).as(step).isEqualTo(409);
                assertThat(answer.body()).as(step).contains("--links");
            }
        }
    }

    private static ProviderMain.Running start(String[] args) throws Exception {
        return ProviderMain.start(LinkedProviderMain.providerArguments(args), LinkedProviderMain.extension(args),
                () -> { });
    }

    private HttpResponse<String> post(ProviderMain.Running p, String step) throws Exception {
        return http.send(request(p, step, true), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(ProviderMain.Running p, String step, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(p.adminUri() + "/" + step))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (withToken) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return b.build();
    }
}
