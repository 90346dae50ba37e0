package dev.rpcharness.loadtest.throughput;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reference line's server over a real loopback socket: the echo's JSON result for POST /rpc, else 404. */
class JsonHttpServerTest {

    @Test
    void answersPostedCallsWithTheJsonResultAndAnythingElseWith404() throws Exception {
        try (JsonHttpServer server = JsonHttpServer.start()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI rpc = URI.create("http://127.0.0.1:" + server.port() + "/rpc");
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(rpc).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JsonHttpServer.REQUEST)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(JsonHttpServer.RESULT);
                assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            }
            HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/other")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
        }
    }
}
