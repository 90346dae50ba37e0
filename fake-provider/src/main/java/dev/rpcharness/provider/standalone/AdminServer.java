package dev.rpcharness.provider.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.ProviderStats;
import dev.rpcharness.provider.fault.FaultKind;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultPlanJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP endpoint, on loopback unless told otherwise, that drives one {@link FakeProvider} at run time:
 * {@code POST /admin/crash|freeze|thaw|stop|restart|expire-session|shutdown}, {@code POST /admin/fault} with a
 * plan or rule as {@link FaultPlanJson} reads it, {@code DELETE /admin/fault}, {@code GET /admin/stats}, and the
 * steps of a {@link StandaloneExtension} ({@code POST /admin/STEP}: the link steps, refused 409 without links).
 * Every request is checked first by {@link AdminAccess} (Host, Origin, token, JSON content type); a body larger
 * than {@link #MAX_BODY_BYTES} (declared or sent) is answered 413 without being parsed. Requests are handled one at
 * a time on a thread it owns; {@link #close()} stops it.
 */
final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** Largest request body accepted (64 KiB); a fault plan is a few hundred bytes. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final FakeProvider provider;
    private final Runnable onShutdown;
    private final ObjectMapper json = RpcJson.newMapper();
    private final HttpServer server;
    private final AdminAccess access;
    private final ExecutorService thread;
    private final Map<String, Supplier<String>> extraSteps;

    /**
     * Binds 127.0.0.1:{@code port} (0 = free).
     *
     * @param onShutdown run after {@code POST /admin/shutdown} has been answered
     */
    AdminServer(FakeProvider provider, int port, Runnable onShutdown) throws IOException {
        this(provider, port, AdminAccess.loopback(), onShutdown);
    }

    /**
     * Binds {@code access}'s address on {@code port} (0 = free); requests are checked against {@code access}.
     *
     * @param onShutdown run after {@code POST /admin/shutdown} has been answered
     */
    AdminServer(FakeProvider provider, int port, AdminAccess access, Runnable onShutdown) throws IOException {
        this(provider, port, access, StandaloneExtension.none().adminSteps(), onShutdown);
    }

    /**
     * Binds {@code access}'s address on {@code port} (0 = free), with {@code extraSteps} as further POST actions.
     *
     * @param onShutdown run after {@code POST /admin/shutdown} has been answered
     */
    AdminServer(FakeProvider provider, int port, AdminAccess access, Map<String, Supplier<String>> extraSteps,
                Runnable onShutdown) throws IOException {
        this.provider = provider;
        this.extraSteps = Map.copyOf(extraSteps);
        this.onShutdown = onShutdown;
        this.access = access;
        this.server = HttpServer.create(new InetSocketAddress(access.bindHost(), port), 16);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, provider.name() + "-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext("/admin", this::handle);
        server.start();
    }

    /** The base URI, for example {@code http://127.0.0.1:4567/admin}. */
    URI uri() {
        String host = access.bindHost().equals("0.0.0.0") ? "127.0.0.1" : access.bindHost();
        return URI.create("http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
                + server.getAddress().getPort() + "/admin");
    }

    /** The bound address. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String action = path.startsWith("/admin/") ? path.substring("/admin/".length()) : "";
            String method = ex.getRequestMethod();
            AdminAccess.Refusal refusal = access.check(method, ex.getRequestHeaders(), server.getAddress().getPort());
            if (refusal != null) {
                LOG.warn("admin {} {} refused: {}", method, path, refusal.reason());
                replyText(ex, refusal.status(), refusal.reason());
                return;
            }
            long declared = declaredLength(ex);
            if (declared > MAX_BODY_BYTES) {
                replyTooLarge(ex, method, path, declared + " bytes");
                return;
            }
            try {
                if (action.equals("stats") && method.equals("GET")) {
                    reply(ex, 200, stats());
                } else if (action.equals("fault") && method.equals("DELETE")) {
                    provider.faultPlan(FaultPlan.none());
                    reply(ex, 200, stats());
                } else if (action.equals("fault") && method.equals("POST")) {
                    byte[] body = readBody(ex);
                    if (body == null) {
                        replyTooLarge(ex, method, path, "more than " + MAX_BODY_BYTES + " bytes");
                        return;
                    }
                    provider.faultPlan(FaultPlanJson.parsePlan(json.readTree(body)));
                    reply(ex, 200, stats());
                } else if (method.equals("POST")) {
                    chaos(ex, action);
                } else {
                    replyText(ex, 404, "unknown admin request " + method + " " + path);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                replyText(ex, e instanceof IllegalStateException ? 409 : 400, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("admin {} {} failed", method, path, e);
                replyText(ex, 500, e.toString());
            }
        }
    }

    /** The declared Content-Length, or -1 when none (chunked) or unreadable (the read below still bounds it). */
    private static long declaredLength(HttpExchange ex) {
        String value = ex.getRequestHeaders().getFirst("Content-Length");
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The request body, or null when it is longer than {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            return body.length > MAX_BODY_BYTES ? null : body;
        }
    }

    private static void replyTooLarge(HttpExchange ex, String method, String path, String size) throws IOException {
        String reason = method + " " + path + " body of " + size + " exceeds the admin endpoint's limit of "
                + MAX_BODY_BYTES + " bytes";
        LOG.warn("admin request refused: {}", reason);
        replyText(ex, 413, reason);
    }

    private void chaos(HttpExchange ex, String action) throws IOException {
        switch (action) {
            case "crash":
                provider.crash();
                break;
            case "freeze":
                provider.freeze();
                break;
            case "thaw":
                provider.thaw();
                break;
            case "stop":
                provider.stop();
                break;
            case "restart":
                provider.restart();
                break;
            case "expire-session":
                provider.expireSession();
                break;
            case "shutdown":
                replyText(ex, 200, "shutting down");
                new Thread(onShutdown, provider.name() + "-shutdown").start();
                return;
            default:
                Supplier<String> step = extraSteps.get(action);
                if (step == null) {
                    replyText(ex, 404, "unknown admin action " + action);
                    return;
                }
                String done = step.get();
                ObjectNode answer = stats();
                answer.put("step", done);
                reply(ex, 200, answer);
                return;
        }
        reply(ex, 200, stats());
    }

    private ObjectNode stats() {
        ObjectNode node = json.createObjectNode();
        node.put("name", provider.name());
        node.put("address", provider.address());
        node.put("state", provider.state().name());
        node.put("openConnections", provider.openConnections());
        ProviderStats stats = provider.stats();
        node.put("received", stats.received());
        node.put("answered", stats.answered());
        ObjectNode faults = node.putObject("faults");
        for (FaultKind k : FaultKind.values()) {
            if (stats.faults(k) > 0) {
                faults.put(k.name(), stats.faults(k));
            }
        }
        node.put("faultPlan", provider.faultPlan().toString());
        return node;
    }

    private void reply(HttpExchange ex, int status, ObjectNode body) throws IOException {
        send(ex, status, "application/json", json.writeValueAsBytes(body));
    }

    private static void replyText(HttpExchange ex, int status, String text) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
