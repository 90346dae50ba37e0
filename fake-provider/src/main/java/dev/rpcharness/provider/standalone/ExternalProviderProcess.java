package dev.rpcharness.provider.standalone;

import dev.rpcharness.provider.registration.ProviderEndpoint;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * <p>Owns the process and two daemon threads that drain its standard output and error into the log
 * ({@link ProcessOutput}); {@link #close()} kills the process if it still runs and waits for both.
 * {@link Builder#start()} returns once the process has printed its {@code listening on} and {@code admin on}
 * lines. Methods are thread-safe.
 */
public final class ExternalProviderProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalProviderProcess.class);

    private final Process process;
    private final String host;
    private final int port;
    private final URI admin;
    private final ProcessOutput output;
    private final AdminClient adminClient;

    private ExternalProviderProcess(Process process, String address, URI admin, ProcessOutput output,
                                    String adminToken) {
        int colon = address.lastIndexOf(':');
        this.process = process;
        this.host = address.substring(0, colon);
        this.port = Integer.parseInt(address.substring(colon + 1));
        this.admin = admin;
        this.output = output;
        this.adminClient = new AdminClient(admin, adminToken, address);
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
        return adminClient.post(action, "{}");
    }

    /** Replaces the process's fault plan with a plan or rule in the JSON form of FaultPlanJson. */
    public String faultPlan(String json) {
        return adminClient.post("fault", json);
    }

    /** The process's counters and state as JSON. */
    public String stats() {
        return adminClient.get("stats");
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
        try {
            output.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ExternalProviderProcess[" + address() + " pid " + pid() + (isAlive() ? "" : " dead") + "]";
    }

    /**
     * Configures and starts an {@link ExternalProviderProcess}; not thread-safe. Where the process listens and
     * registers is a {@link ProviderEndpoint} (session timeout 4 s by default here, so a killed process's node goes
     * quickly), handed to the process as its command-line options.
     */
    public static final class Builder {
        private ProviderEndpoint.Builder endpoint = ProviderEndpoint.builder().sessionTimeout(Duration.ofSeconds(4));
        private String adminToken;
        private Duration startTimeout = Duration.ofSeconds(30);
        private String classpath = System.getProperty("java.class.path");
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /** Where the process listens and registers, all at once; the single setters below change one value. */
        public Builder endpoint(ProviderEndpoint value) {
            this.endpoint = value.toBuilder();
            return this;
        }

        /** ZooKeeper connect string; without one the process does not register. */
        public Builder registry(String zkConnectString) {
            endpoint.registry(zkConnectString);
            return this;
        }

        /** Registry base path; default {@code /rpc}. */
        public Builder basePath(String basePath) {
            endpoint.basePath(basePath);
            return this;
        }

        /** Interface to listen on and to register; default 127.0.0.1. */
        public Builder host(String host) {
            endpoint.host(host);
            return this;
        }

        /** Port to listen on; 0 (default) picks a free one. */
        public Builder port(int port) {
            endpoint.port(port);
            return this;
        }

        public Builder name(String name) {
            endpoint.name(name);
            return this;
        }

        /** ZooKeeper session timeout of the process; default 4 s, so a killed process's node goes quickly. */
        public Builder sessionTimeout(Duration timeout) {
            endpoint.sessionTimeout(timeout);
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
            ProviderEndpoint e = endpoint.build();
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmArgs);
            cmd.addAll(List.of("-cp", classpath, ProviderMain.class.getName(), "--exit-on-stdin-eof"));
            cmd.addAll(EndpointOptions.arguments(e));
            cmd.addAll(extraArgs);
            ProcessBuilder builder = new ProcessBuilder(cmd);
            builder.environment().remove(AdminAccess.TOKEN_ENV);
            if (adminToken != null) {
                builder.environment().put(AdminAccess.TOKEN_ENV, adminToken);
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException ex) {
                throw new IllegalStateException("cannot start " + cmd.get(0) + ": " + ex, ex);
            }
            String label = e.nameOr("provider-process-" + process.pid());
            ProcessOutput output = new ProcessOutput(process, label);
            long waitMs = startTimeout.toMillis();
            try {
                ExternalProviderProcess p = new ExternalProviderProcess(process, output.listeningAddress(waitMs),
                        output.adminUri(waitMs), output, adminToken);
                LOG.info("started {}", p);
                return p;
            } catch (TimeoutException | ExecutionException ex) {
                process.destroyForcibly();
                throw new IllegalStateException("provider process " + label + " did not print its listening line"
                        + " within " + waitMs + " ms; last output:\n" + output.tail(), ex);
            } catch (InterruptedException ex) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + label, ex);
            }
        }
    }
}
