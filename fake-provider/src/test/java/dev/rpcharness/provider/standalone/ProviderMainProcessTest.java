package dev.rpcharness.provider.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.TestZooKeeper;
import dev.rpcharness.provider.testing.WireClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The stand-alone provider in its own JVM: listening line, calls, admin endpoint, SIGKILL and session expiry. */
class ProviderMainProcessTest {

    private static final String ECHO = "{\"requestId\":\"%s\",\"className\":\"" + EchoService.class.getName()
            + "\",\"methodName\":\"echo\",\"parameterTypes\":[\"java.lang.String\"],\"parameters\":[\"%s\"]}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> echo(ExternalProviderProcess p, String id, String text) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + p.address() + "/rpc"))
                .header("Content-Type", "application/json").header("X-Rpc-Request-Id", id)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(String.format(ECHO, id, text))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void processServesEchoTakesAdminStepsAndItsNodeGoesAfterSigkill() throws Exception {
        try (TestZooKeeper zk = new TestZooKeeper();
             ExternalProviderProcess p = ExternalProviderProcess.builder().registry(zk.connectString())
                     .basePath("/standalone").name("standalone").sessionTimeout(Duration.ofSeconds(2)).start()) {
            String path = WireContract.providerNodePath("/standalone", p.host(), p.port());
            ProviderNode node = ProviderNode.parse(path, zk.client().getData().forPath(path), RpcJson.newMapper());
            assertThat(node.services()).containsExactly(EchoService.class.getName());
            assertThat(node.port()).isEqualTo(p.port());

            HttpResponse<String> ok = echo(p, "1", "hi");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("X-Rpc-Request-Id")).hasValue("1");
            assertThat(ok.body()).isEqualTo("{\"requestId\":\"1\",\"result\":\"hi\"}");

            p.faultPlan("{\"method\":\"echo\",\"fault\":\"httpStatus\",\"status\":503}");
            assertThat(echo(p, "2", "x").statusCode()).isEqualTo(503);
            assertThat(p.stats()).contains("\"HTTP_STATUS\":1").contains("\"received\":2");
            p.faultPlan("{\"rules\":[]}");
            assertThat(echo(p, "3", "y").statusCode()).isEqualTo(200);

            p.kill();
            long killed = System.nanoTime();
            assertThat(p.isAlive()).isFalse();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> zk.client().checkExists().forPath(path) == null);
            System.out.printf("node of the SIGKILLed provider gone after %d ms (session timeout 2000 ms)%n",
                    (System.nanoTime() - killed) / 1_000_000);
        }
    }

    @Test
    void userClassesAreServedAndAdminCrashAndRestartWorkAcrossTheProcessBoundary() throws Exception {
        try (ExternalProviderProcess p = ExternalProviderProcess.builder()
                .serve(CatalogService.class.getName(), CatalogServiceImpl.class.getName()).start()) {
            assertThat(p.admin("crash")).contains("\"state\":\"CRASHED\"");
            assertThat(p.admin("restart")).contains("\"state\":\"RUNNING\"");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + p.address() + "/rpc"))
                    .header("X-Rpc-Request-Id", "1").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(WireClient.callBody("1", CatalogService.class.getName(),
                            "add", "[\"int\",\"long\"]", "[1,2]"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("{\"requestId\":\"1\",\"result\":3}");
            assertThat(echo(p, "2", "x").body()).as("the demo service is not served when --serve is given")
                    .contains("ClassNotFoundException");
        }
    }
}
