package dev.rpcharness.provider.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint reads at most {@link AdminServer#MAX_BODY_BYTES} of a request body: a larger body, declared
 * by Content-Length or sent chunked, is answered 413 with a message naming the limit, and the fault plan stays as
 * it was. Requests are raw HTTP over a loopback socket, so the headers are exactly what a client would send.
 */
class AdminServerBodyLimitTest {

    private static final String RULE = "{\"fault\":\"reset\",\"everyNth\":3}";

    private FakeProvider provider;
    private AdminServer admin;

    @BeforeEach
    void start() throws Exception {
        provider = FakeProvider.builder().serve(EchoService.class, new EchoServiceImpl()).build().start();
        admin = new AdminServer(provider, 0, () -> { });
    }

    @AfterEach
    void stop() {
        admin.close();
        provider.close();
    }

    /**
     * Writes {@code head} (request line and headers, without the blank line) and {@code body}; returns the
     * answer's head lines and then its body.
     */
    private List<String> send(String head, byte[] body) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), admin.address().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "Host: 127.0.0.1:" + admin.address().getPort()
                    + "\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // The answer's head and its Content-Length of body; the connection may stay open behind it.
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            char[] text = new char[length];
            int read = 0;
            while (read < length) {
                int n = in.read(text, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            lines.add(new String(text, 0, read));
            return lines;
        }
    }

    private static String status(List<String> answer) {
        return answer.get(0).split(" ")[1];
    }

    @Test
    void aDeclaredBodyOverTheLimitIsAnswered413BeforeItArrives() throws Exception {
        // Only the head is sent: an endpoint that waited for the million bytes would never answer.
        List<String> answer = send("POST /admin/fault HTTP/1.1\r\nContent-Length: 1000000\r\n", new byte[0]);

        assertThat(status(answer)).isEqualTo("413");
        assertThat(answer).anySatisfy(line -> assertThat(line).contains("POST /admin/fault")
                .contains("1000000 bytes").contains("limit of 65536 bytes"));
        assertThat(provider.faultPlan().rules()).isEmpty();
    }

    @Test
    void aChunkedBodyOverTheLimitIsAnswered413WithoutBeingParsed() throws Exception {
        // A valid rule followed by spaces: parsed, it would be accepted; read only up to the limit, it is refused.
        byte[] chunk = (RULE + " ".repeat(AdminServer.MAX_BODY_BYTES)).getBytes(StandardCharsets.US_ASCII);
        byte[] body = (Integer.toHexString(chunk.length) + "\r\n" + new String(chunk, StandardCharsets.US_ASCII)
                + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        List<String> answer = send("POST /admin/fault HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", body);

        assertThat(status(answer)).isEqualTo("413");
        assertThat(answer).anySatisfy(line -> assertThat(line).contains("more than 65536 bytes"));
        assertThat(provider.faultPlan().rules()).isEmpty();
    }

    @Test
    void aBodyWithinTheLimitIsStillAccepted() throws Exception {
        byte[] body = RULE.getBytes(StandardCharsets.US_ASCII);

        List<String> answer = send("POST /admin/fault HTTP/1.1\r\nContent-Length: " + body.length + "\r\n", body);

        assertThat(status(answer)).isEqualTo("200");
        assertThat(provider.faultPlan().rules()).hasSize(1);
    }
}
