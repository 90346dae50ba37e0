package dev.rpcharness.link.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.link.Links;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The link API driven by toxiproxy-java, a Toxiproxy client from Maven Central, and by raw HTTP for its limits. */
class ToxiproxyApiTest {

    private Links links;
    private ToxiproxyApiServer api;
    private ServerSocket echo;
    private ToxiproxyClient client;

    @BeforeEach
    void start() throws IOException {
        links = new Links();
        api = new ToxiproxyApiServer(links).start();
        client = new ToxiproxyClient("127.0.0.1", api.port());
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CompletableFuture.runAsync(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    CompletableFuture.runAsync(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // the client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        api.close();
        links.close();
        echo.close();
    }

    @Test
    void aToxiproxyClientCreatesAProxyAddsALatencyToxicAndRemovesIt() throws Exception {
        Proxy proxy = client.createProxy("p1", "127.0.0.1:0", "127.0.0.1:" + echo.getLocalPort());
        int port = Integer.parseInt(proxy.getListen().substring(proxy.getListen().lastIndexOf(':') + 1));
        assertThat(port).isPositive();
        assertThat(client.version()).isEqualTo(ToxiproxyRoutes.VERSION);

        Latency latency = proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 60).setJitter(0);
        assertThat(links.get("p1").toxic("slow").attribute("latency")).isEqualTo(60);
        assertThat(client.getProxy("p1").toxics().getAll()).hasSize(1);
        assertThat(proxy.toxics().get("slow", Latency.class).getLatency()).isEqualTo(60);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(roundTripMillis(s)).isGreaterThanOrEqualTo(60);
            latency.remove();
            assertThat(links.get("p1").toxics()).isEmpty();
        }

        proxy.toxics().bandwidth("narrow", ToxicDirection.UPSTREAM, 10).setToxicity(0.5f);
        assertThat(links.get("p1").toxic("narrow").toxicity()).isEqualTo(0.5);
        client.reset();
        assertThat(links.get("p1").toxics()).isEmpty();
    }

    @Test
    void disablingThroughTheClientRefusesConnectionsAndDeleteRemovesTheProxy() throws Exception {
        Proxy proxy = client.createProxy("p2", "127.0.0.1:0", "127.0.0.1:" + echo.getLocalPort());
        int port = links.get("p2").port();
        proxy.disable();
        assertThat(client.getProxy("p2").isEnabled()).isFalse();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
        proxy.enable();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            roundTripMillis(s);
        }
        assertThat(client.getProxies()).extracting(Proxy::getName).containsExactly("p2");
        proxy.delete();
        assertThat(client.getProxyOrNull("p2")).isNull();
        assertThat(links.get("p2")).isNull();
    }

    @Test
    void errorsHaveToxiproxysStatusesAndJson() throws Exception {
        client.createProxy("p3", "127.0.0.1:0", "127.0.0.1:" + echo.getLocalPort());
        assertThatThrownBy(() -> client.createProxy("p3", "127.0.0.1:0", "127.0.0.1:1"))
                .hasMessageContaining("409").hasMessageContaining("proxy already exists");
        assertThat(raw("GET", "/proxies/none", "", "127.0.0.1")).startsWith("HTTP/1.1 404")
                .contains("{\"error\":\"proxy not found: none\",\"status\":404}");
        assertThat(raw("POST", "/proxies/p3/toxics", "{\"type\":\"frobnicate\"}", "127.0.0.1"))
                .startsWith("HTTP/1.1 400").contains("unknown toxic type 'frobnicate'");
        assertThat(raw("POST", "/proxies/p3/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":-5}}",
                "127.0.0.1")).startsWith("HTTP/1.1 400").contains("latency must be >= 0, was -5");
    }

    @Test
    void populateCreatesProxiesAndAnswersWithThem() throws Exception {
        String body = "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:" + echo.getLocalPort()
                + "\"},{\"name\":\"b\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:1\",\"enabled\":false}]";
        assertThat(raw("POST", "/populate", body, "127.0.0.1")).startsWith("HTTP/1.1 201")
                .contains("\"proxies\":[").contains("\"name\":\"a\"").contains("\"enabled\":false");
        assertThat(links.get("a").isEnabled()).isTrue();
        assertThat(links.get("b").isEnabled()).isFalse();
    }

    @Test
    void aForeignHostOrOriginOrAnOversizedBodyIsRefused() throws Exception {
        assertThat(raw("GET", "/proxies", "", "attacker.example")).startsWith("HTTP/1.1 421");
        assertThat(rawWith("GET", "/proxies", "", "127.0.0.1", "Origin: http://attacker.example\r\n"))
                .startsWith("HTTP/1.1 403");
        assertThat(raw("POST", "/proxies", "[" + " ".repeat(70_000) + "]", "127.0.0.1")).startsWith("HTTP/1.1 413");
        assertThatThrownBy(() -> new ToxiproxyApiServer(links, "0.0.0.0", 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
    }

    private String raw(String method, String path, String body, String hostName) throws IOException {
        return rawWith(method, path, body, hostName, "");
    }

    private String rawWith(String method, String path, String body, String hostName, String extra)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + hostName + ":" + api.port() + "\r\n" + extra
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long roundTripMillis(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        long t0 = System.nanoTime();
        s.getOutputStream().write(1);
        s.getOutputStream().flush();
        assertThat(s.getInputStream().read()).isEqualTo(1);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
