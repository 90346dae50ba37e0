package dev.rpcharness.provider.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.ProviderState;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint refuses what a web page on the same machine could send it (a form post, a cross-origin
 * request, a DNS-rebound host name) and, bound anywhere but loopback, anyone without the token. Requests are
 * written as raw HTTP over a loopback socket, so every header is exactly what a browser or attacker would send.
 */
class AdminServerSecurityTest {

    private FakeProvider provider;
    private AdminServer admin;

    @BeforeEach
    void startProvider() {
        provider = FakeProvider.builder().serve(EchoService.class, new EchoServiceImpl()).build().start();
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        provider.close();
    }

    private int port() {
        return admin.address().getPort();
    }

    /** Sends one request and returns the status code. */
    private int send(String method, String path, String... headerLines) throws Exception {
        String body = method.equals("GET") ? "" : "{}";
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        boolean hostGiven = false;
        for (String h : headerLines) {
            request.append(h).append("\r\n");
            hostGiven |= h.toLowerCase().startsWith("host:");
        }
        if (!hostGiven) {
            request.append("Host: 127.0.0.1:").append(port()).append("\r\n");
        }
        request.append("Content-Length: ").append(body.length()).append("\r\nConnection: close\r\n\r\n").append(body);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void bindsToLoopbackByDefault() throws Exception {
        admin = new AdminServer(provider, 0, () -> { });

        assertThat(admin.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(admin.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(send("GET", "/admin/stats")).isEqualTo(200);
    }

    @Test
    void boundBeyondLoopbackWithoutATokenIsRefusedAtStart() {
        assertThatThrownBy(() -> new AdminAccess("0.0.0.0", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--admin-token").hasMessageContaining("0.0.0.0");
        assertThat(new AdminAccess("0.0.0.0", "s3cret").hasToken()).isTrue();
        assertThat(ProviderMain.Options.parse(new String[] {"--admin-port", "0"}).adminHost).isEqualTo("127.0.0.1");
    }

    @Test
    void withATokenEveryRequestMustCarryIt() throws Exception {
        admin = new AdminServer(provider, 0, new AdminAccess("127.0.0.1", "s3cret"), () -> { });

        assertThat(send("POST", "/admin/freeze", "Content-Type: application/json")).isEqualTo(401);
        assertThat(send("POST", "/admin/freeze", "Content-Type: application/json", "Authorization: Bearer nope"))
                .isEqualTo(401);
        assertThat(send("GET", "/admin/stats")).isEqualTo(401);
        assertThat(provider.state()).isEqualTo(ProviderState.RUNNING);
        assertThat(send("POST", "/admin/freeze", "Content-Type: application/json", "Authorization: Bearer s3cret"))
                .isEqualTo(200);
        assertThat(provider.state()).isEqualTo(ProviderState.FROZEN);
    }

    @Test
    void bodiesOtherThanJsonAreRefused() throws Exception {
        admin = new AdminServer(provider, 0, () -> { });

        assertThat(send("POST", "/admin/crash", "Content-Type: text/plain")).isEqualTo(415);
        assertThat(send("POST", "/admin/crash", "Content-Type: application/x-www-form-urlencoded")).isEqualTo(415);
        assertThat(send("POST", "/admin/crash")).as("no content type").isEqualTo(415);
        assertThat(send("DELETE", "/admin/fault", "Content-Type: text/plain")).isEqualTo(415);
        assertThat(provider.state()).isEqualTo(ProviderState.RUNNING);
        assertThat(send("POST", "/admin/freeze", "Content-Type: application/json; charset=utf-8")).isEqualTo(200);
        assertThat(provider.state()).isEqualTo(ProviderState.FROZEN);
    }

    @Test
    void aHostThatIsNotThisEndpointIsRefused() throws Exception {
        admin = new AdminServer(provider, 0, () -> { });

        assertThat(send("POST", "/admin/crash", "Host: attacker.example:" + port(),
                "Content-Type: application/json")).as("DNS rebinding").isEqualTo(421);
        assertThat(send("POST", "/admin/crash", "Host: 127.0.0.1:1", "Content-Type: application/json"))
                .as("another port").isEqualTo(421);
        assertThat(provider.state()).isEqualTo(ProviderState.RUNNING);
        assertThat(send("GET", "/admin/stats", "Host: localhost:" + port())).isEqualTo(200);
    }

    @Test
    void crossOriginRequestsAreRefused() throws Exception {
        admin = new AdminServer(provider, 0, () -> { });

        assertThat(send("POST", "/admin/crash", "Origin: http://attacker.example",
                "Content-Type: application/json")).isEqualTo(403);
        assertThat(send("POST", "/admin/crash", "Origin: null", "Content-Type: application/json")).isEqualTo(403);
        assertThat(provider.state()).isEqualTo(ProviderState.RUNNING);
        assertThat(send("POST", "/admin/freeze", "Origin: http://127.0.0.1:" + port(),
                "Content-Type: application/json")).as("same origin").isEqualTo(200);
    }
}
