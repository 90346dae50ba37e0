package dev.rpcharness.provider.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 client over one plain socket, for tests that need to see exactly the bytes a provider writes:
 * pipelined requests, out-of-order answers, resets, truncation. Not thread-safe; one test thread drives it.
 */
public final class WireClient implements AutoCloseable {

    /** One parsed response. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** How a connection ended when read to its end. */
    public enum Ending { EOF, RESET, TIMEOUT }

    /** Bytes read until the connection ended, and how it ended. */
    public record Tail(byte[] bytes, Ending ending) {
        public String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String hostHeader;

    public WireClient(String host, int port) throws IOException {
        this(host, port, 0);
    }

    /**
     * A client whose socket is bound to {@code localPort} on 127.0.0.1 first (0: not bound, any port), so a test can
     * reuse the port of a connection it {@link #abort()}ed.
     */
    public WireClient(String host, int port, int localPort) throws IOException {
        socket = new Socket();
        if (localPort != 0) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", localPort));
        }
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        hostHeader = host + ":" + port;
    }

    /** The JSON body of a call. */
    public static String callBody(String id, String className, String method, String parameterTypesJson,
                                  String parametersJson) {
        return "{\"requestId\":\"" + id + "\",\"className\":\"" + className + "\",\"methodName\":\"" + method
                + "\",\"parameterTypes\":" + parameterTypesJson + ",\"parameters\":" + parametersJson + "}";
    }

    /** Sends one POST /rpc with the id in the header and the given body. */
    public void send(String id, String body) throws IOException {
        out.write(request(id, body));
        out.flush();
    }

    /** The bytes of one POST /rpc. */
    public byte[] request(String id, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /rpc HTTP/1.1\r\nHost: " + hostHeader + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n" + (id == null ? "" : "X-Rpc-Request-Id: " + id + "\r\n")
                + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    /** Writes raw bytes (several requests at once to pipeline them). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response, failing after {@code timeout}. */
    public Response read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        String head = readHead();
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("body truncated: " + body.length + " of " + length + " bytes");
        }
        return new Response(Integer.parseInt(status[1]), headers, body);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after " + buf.size() + " bytes of a response head");
            }
            buf.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (buf.size() > 64 * 1024) {
                throw new IOException("response head larger than 64 KiB");
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads whatever arrives until the connection ends or {@code timeout} passes with nothing arriving. */
    public Tail readToEnd(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            while (true) {
                int n = in.read(chunk);
                if (n < 0) {
                    return new Tail(buf.toByteArray(), Ending.EOF);
                }
                buf.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return new Tail(buf.toByteArray(), Ending.TIMEOUT);
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("reset")) {
                return new Tail(buf.toByteArray(), Ending.RESET);
            }
            throw e;
        }
    }

    /** Reads exactly {@code n} bytes, failing after {@code timeout} per read. */
    public byte[] readBytes(int n, Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        return in.readNBytes(n);
    }

    /** This client's local port. */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** Closes with a reset (SO_LINGER 0): no TIME_WAIT is left, so the local port can be bound again at once. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
