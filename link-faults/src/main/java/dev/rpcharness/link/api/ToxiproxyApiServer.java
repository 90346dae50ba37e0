package dev.rpcharness.link.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rpcharness.link.LinkException;
import dev.rpcharness.link.Links;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Toxiproxy-compatible HTTP API (the paths and JSON of Toxiproxy 2.x) over a {@link Links}, so code that drives
 * Toxiproxy through a Toxiproxy client library drives links unchanged. The routes are listed in
 * docs/link-faults.md.
 *
 * <p>Security: binds to 127.0.0.1 by default; bound elsewhere it needs a token; wrong {@code Host}, foreign
 * {@code Origin} and bodies over 64 KiB are refused (see {@link ApiAccess}).
 *
 * <p>Threading: requests are served one at a time on one thread of its own. Lifecycle: {@link #start()} binds
 * (port 0 picks a free port), {@link #close()} stops it; the {@link Links} stay open, their owner closes them.
 */
public final class ToxiproxyApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ToxiproxyApiServer.class);
    /** Request bodies above this are refused with 413. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final Links links;
    private final String host;
    private final int requestedPort;
    private final ApiAccess access;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ToxiproxyRoutes routes;
    private HttpServer server;
    private ExecutorService thread;

    /**
     * @param host  the address to bind; anything but loopback needs a token
     * @param port  0 for a free port; Toxiproxy's own is 8474
     * @param token the bearer token requests must carry, or null for none (loopback only)
     */
    public ToxiproxyApiServer(Links links, String host, int port, String token) {
        this.links = Objects.requireNonNull(links, "links");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("link API port must be in 0..65535, was " + port);
        }
        this.host = Objects.requireNonNull(host, "host");
        this.requestedPort = port;
        this.access = new ApiAccess(host, token);
        this.routes = new ToxiproxyRoutes(links, mapper);
    }

    /** On 127.0.0.1, a free port, no token. */
    public ToxiproxyApiServer(Links links) {
        this(links, "127.0.0.1", 0, null);
    }

    /** Binds and serves; returns this. A taken port is a LinkException naming the address. */
    public synchronized ToxiproxyApiServer start() {
        if (server != null) {
            throw new IllegalStateException("link API already started on " + host + ":" + port());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(host, requestedPort), 50);
        } catch (IOException e) {
            throw new LinkException("link API could not listen on " + host + ":" + requestedPort + ": " + e, e);
        }
        thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "link-api-" + requestedPort));
        server.setExecutor(thread);
        server.createContext("/", this::serve);
        server.start();
        return this;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The links it drives. */
    public Links links() {
        return links;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            thread.shutdownNow();
            server = null;
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            ToxiproxyRoutes.Response response;
            try {
                ApiError refused = access.check(exchange.getRequestHeaders(), port());
                if (refused != null) {
                    throw refused;
                }
                response = routes.handle(method, path, body(exchange.getRequestBody()));
            } catch (ApiError e) {
                response = ToxiproxyRoutes.Response.json(e.status(),
                        mapper.createObjectNode().put("error", e.getMessage()).put("status", e.status()));
            } catch (RuntimeException e) {
                log.warn("link API: {} {} failed", method, path, e);
                response = ToxiproxyRoutes.Response.json(500,
                        mapper.createObjectNode().put("error", e.toString()).put("status", 500));
            }
            send(exchange, response);
        }
    }

    private JsonNode body(InputStream in) {
        try {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiError(413, "request body over " + MAX_BODY_BYTES + " bytes");
            }
            String text = new String(bytes, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "bad JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(400, "could not read the request body: " + e);
        }
    }

    private void send(HttpExchange exchange, ToxiproxyRoutes.Response response) throws IOException {
        if (response.json() == null && response.text() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        byte[] bytes = response.json() != null ? mapper.writeValueAsBytes(response.json())
                : response.text().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type",
                response.json() != null ? "application/json" : "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
