package dev.rpcharness.provider.standalone;

import dev.rpcharness.protocol.WireContract;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProviderMain} running in its own JVM process, for the most realistic crash: {@link #kill()} sends
 * SIGKILL, so the process gets no chance to close sockets or its ZooKeeper session, and its node disappears only
 * when the session times out.
 *
 * <pre>{@code
 * try (ExternalProviderProcess p = ExternalProviderProcess.builder().registry(zk).sessionTimeout(ofSeconds(2))
 *         .start()) {
 *     ... call p.address() ...
 *     p.kill();
 * }
 * }</pre>
 *
 * <p>Owns the process and two daemon threads that drain its standard output and error into this class's log;
 * {@link #close()} kills the process if it still runs and waits for both. {@link #start()} returns once the
 * process has printed its {@code listening on} and {@code admin on} lines. Methods are thread-safe.
 */
public final class ExternalProviderProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalProviderProcess.class);
    private static final String LISTENING = "listening on ";
    private static final String ADMIN = "admin on ";

    private final Process process;
    private final String host;
    private final int port;
    private final URI admin;
    private final List<Thread> drains;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ExternalProviderProcess(Process process, String host, int port, URI admin, List<Thread> drains,
                                    String adminToken) {
        this.process = process;
        this.adminToken = adminToken;
        this.host = host;
        this.port = port;
        this.admin = admin;
        this.drains = drains;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** "host:port" as the process printed it. */
    public String address() {
        return host + ":" + port;
    }

    /** The admin endpoint, for example {@code http://127.0.0.1:40000/admin}. */
    public URI adminUri() {
        return admin;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * POSTs an admin action ({@code crash}, {@code freeze}, {@code thaw}, {@code stop}, {@code restart},
     * {@code expire-session}) and returns the body of the answer.
     *
     * @throws IllegalStateException when the endpoint answers with an error status
     */
    public String admin(String action) {
        return send(HttpRequest.newBuilder(URI.create(admin + "/" + action))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    /** Replaces the process's fault plan with a plan or rule in the JSON form of FaultPlanJson. */
    public String faultPlan(String json) {
        return send(HttpRequest.newBuilder(URI.create(admin + "/fault"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The process's counters and state as JSON. */
    public String stats() {
        return send(HttpRequest.newBuilder(URI.create(admin + "/stats")).GET());
    }

    private String send(HttpRequest.Builder request) {
        if (adminToken != null) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("provider process " + address() + " answered " + r.statusCode()
                        + " to " + r.request().uri() + ": " + r.body().trim());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("admin endpoint " + admin + " of " + address() + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to " + admin, e);
        }
    }

    /** Sends SIGKILL and waits until the process is gone. Idempotent. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("provider process {} (pid {}) still alive 10 s after SIGKILL", address(), pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process if it still runs and stops the output drains. */
    @Override
    public void close() {
        kill();
        for (Thread t : drains) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "ExternalProviderProcess[" + address() + " pid " + pid() + (isAlive() ? "" : " dead") + "]";
    }

    /** Configures and starts an {@link ExternalProviderProcess}; not thread-safe. */
    public static final class Builder {
        private String zk;
        private String basePath;
        private int port;
        private String name;
        private String adminToken;
        private Duration sessionTimeout = Duration.ofSeconds(4);
        private Duration startTimeout = Duration.ofSeconds(30);
        private String classpath = System.getProperty("java.class.path");
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /** ZooKeeper connect string; without one the process does not register. */
        public Builder registry(String zkConnectString) {
            this.zk = zkConnectString;
            return this;
        }

        public Builder basePath(String basePath) {
            this.basePath = WireContract.normalizeBasePath(basePath);
            return this;
        }

        /** Port to listen on; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
            }
            this.port = port;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** ZooKeeper session timeout of the process; default 4 s, so a killed process's node goes quickly. */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** How long {@link #start()} waits for the listening line; default 30 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Class path of the process; default this JVM's. */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath);
            return this;
        }

        /**
         * The token the process's admin endpoint requires; it reaches the process in the environment variable
         * {@value AdminAccess#TOKEN_ENV}, not on its command line, and this class sends it with every admin request.
         * Default none (and the variable is removed from the inherited environment).
         */
        public Builder adminToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("admin token must not be blank: '" + token + "'");
            }
            this.adminToken = token;
            return this;
        }

        /** Serves {@code impl} (a class with a public no-argument constructor on the class path) for iface. */
        public Builder serve(String ifaceName, String implClassName) {
            extraArgs.add("--serve");
            extraArgs.add(ifaceName + "=" + implClassName);
            return this;
        }

        /** An initial fault rule or plan in the JSON form of FaultPlanJson. */
        public Builder fault(String json) {
            extraArgs.add("--fault");
            extraArgs.add(json);
            return this;
        }

        /** Any further ProviderMain argument. */
        public Builder arg(String arg) {
            extraArgs.add(arg);
            return this;
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /**
         * Starts the process and waits for its listening and admin lines.
         *
         * @throws IllegalStateException when it does not print them within the start timeout (it is killed) or
         *                               exits first (the message holds its last output)
         */
        public ExternalProviderProcess start() {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(classpath);
            cmd.add(ProviderMain.class.getName());
            cmd.add("--port");
            cmd.add(Integer.toString(port));
            cmd.add("--session-timeout-ms");
            cmd.add(Long.toString(sessionTimeout.toMillis()));
            cmd.add("--exit-on-stdin-eof");
            if (zk != null) {
                cmd.add("--zk");
                cmd.add(zk);
            }
            if (basePath != null) {
                cmd.add("--base-path");
                cmd.add(basePath);
            }
            if (name != null) {
                cmd.add("--name");
                cmd.add(name);
            }
            cmd.addAll(extraArgs);
            ProcessBuilder builder = new ProcessBuilder(cmd);
            builder.environment().remove(AdminAccess.TOKEN_ENV);
            if (adminToken != null) {
                builder.environment().put(AdminAccess.TOKEN_ENV, adminToken);
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + cmd.get(0) + ": " + e, e);
            }
            CompletableFuture<String> listening = new CompletableFuture<>();
            CompletableFuture<String> adminLine = new CompletableFuture<>();
            StringBuffer tail = new StringBuffer();
            String label = name != null ? name : "provider-process-" + process.pid();
            Thread out = drain(process.getInputStream(), label + "-stdout", line -> {
                if (line.startsWith(LISTENING)) {
                    listening.complete(line.substring(LISTENING.length()).trim());
                } else if (line.startsWith(ADMIN)) {
                    adminLine.complete(line.substring(ADMIN.length()).trim());
                }
            }, tail, listening, adminLine);
            Thread err = drain(process.getErrorStream(), label + "-stderr", line -> { }, tail);
            try {
                String address = listening.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
                URI adminUri = URI.create(adminLine.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS));
                int colon = address.lastIndexOf(':');
                ExternalProviderProcess p = new ExternalProviderProcess(process, address.substring(0, colon),
                        Integer.parseInt(address.substring(colon + 1)), adminUri, List.of(out, err), adminToken);
                LOG.info("started {}", p);
                return p;
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
                throw new IllegalStateException("provider process " + label + " did not print its listening line"
                        + " within " + startTimeout.toMillis() + " ms; last output:\n" + tail, e);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + label, e);
            }
        }

        private static Thread drain(InputStream in, String name, java.util.function.Consumer<String> onLine,
                                    StringBuffer tail, CompletableFuture<?>... failOnEnd) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        LOG.debug("[{}] {}", name, line);
                        tail.append(line).append('\n');
                        if (tail.length() > 8_000) {
                            tail.delete(0, tail.length() - 4_000);
                        }
                        onLine.accept(line);
                    }
                } catch (IOException e) {
                    LOG.debug("[{}] closed: {}", name, e.toString());
                }
                for (CompletableFuture<?> f : failOnEnd) {
                    f.completeExceptionally(new IllegalStateException("process output ended"));
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }
}
