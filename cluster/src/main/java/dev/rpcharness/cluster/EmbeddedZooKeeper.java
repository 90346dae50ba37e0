package dev.rpcharness.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ZooKeeper in this JVM for tests and load runs: curator-test's {@link TestingServer} (one server) or
 * {@link TestingCluster} (an ensemble), listening on free loopback ports, with its data in a temporary folder that
 * {@link #close()} removes.
 *
 * <p>Lifecycle: {@link #start()} / {@link #startEnsemble(int)} return a running instance. {@link #stop()} and
 * {@link #restart()} take the whole service down and up again on the same ports with the same data, so sessions
 * whose timeout has not passed survive the outage. {@link #close()} is idempotent.
 *
 * <p>Threading: the chaos methods are synchronized; {@link #connectString()} may be read from any thread.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    private static final String LOOPBACK = "127.0.0.1";
    /** Server tick: the granularity of session expiry, short so expiry tests run in seconds. */
    private static final int TICK_MS = 250;
    private static final int MIN_SESSION_MS = 500;
    private static final int MAX_SESSION_MS = 60_000;
    private static final int START_ATTEMPTS = 5;

    private final Path dataRoot;
    private final TestingServer server;
    private final TestingCluster ensemble;
    private final List<InstanceSpec> specs;
    private final String connectString;
    private State state = State.RUNNING;

    private enum State { RUNNING, STOPPED, CLOSED }

    private EmbeddedZooKeeper(Path dataRoot, TestingServer server, TestingCluster ensemble, List<InstanceSpec> specs,
                              String connectString) {
        this.dataRoot = dataRoot;
        this.server = server;
        this.ensemble = ensemble;
        this.specs = specs;
        this.connectString = connectString;
    }

    /**
     * Starts one ZooKeeper server on a free loopback port. A port taken between choosing and binding it (another
     * process raced us) is retried with a new port a few times.
     *
     * @throws IllegalStateException when no attempt could start a server
     */
    public static EmbeddedZooKeeper start() {
        Path root = createDataRoot();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            InstanceSpec spec = spec(root, attempt, 1, true, new HashSet<>());
            TestingServer server = null;
            try {
                server = new TestingServer(spec, true);
                EmbeddedZooKeeper zk = new EmbeddedZooKeeper(root, server, null, List.of(spec),
                        LOOPBACK + ":" + spec.getPort());
                log.info("ZooKeeper started at {} (data in {})", zk.connectString, root);
                return zk;
            } catch (Exception e) {
                last = new IllegalStateException("ZooKeeper did not start on " + LOOPBACK + ":" + spec.getPort()
                        + " (attempt " + attempt + " of " + START_ATTEMPTS + ")", e);
                log.warn("{}, retrying on another port", last.getMessage());
                closeQuietly(server);
            }
        }
        deleteRecursively(root);
        throw last;
    }

    /**
     * Starts an ensemble of {@code n} servers on free loopback ports and waits until it serves clients.
     * {@link #killServer(int)} stops one member; killing a majority loses the quorum.
     *
     * @param n the number of servers, at least 1 (3 or 5 make sense)
     */
    public static EmbeddedZooKeeper startEnsemble(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ZooKeeper ensemble size must be at least 1, was " + n);
        }
        Path root = createDataRoot();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            List<InstanceSpec> specs = new ArrayList<>();
            Set<Integer> taken = new HashSet<>();
            for (int id = 1; id <= n; id++) {
                specs.add(spec(root, attempt, id, false, taken));
            }
            TestingCluster cluster = null;
            try {
                cluster = new TestingCluster(specs);
                cluster.start();
                EmbeddedZooKeeper zk = new EmbeddedZooKeeper(root, null, cluster, List.copyOf(specs),
                        cluster.getConnectString());
                log.info("ZooKeeper ensemble of {} started at {} (data in {})", n, zk.connectString, root);
                return zk;
            } catch (Exception e) {
                last = new IllegalStateException("ZooKeeper ensemble of " + n + " did not start (attempt " + attempt
                        + " of " + START_ATTEMPTS + ")", e);
                log.warn("{}, retrying on other ports", last.getMessage());
                closeQuietly(cluster);
            }
        }
        deleteRecursively(root);
        throw last;
    }

    /**
     * A server's spec on three free ports. A free port is found by binding port 0 and closing it, so the OS may
     * hand the same one out twice: {@code taken} keeps the ports of one ensemble apart.
     */
    private static InstanceSpec spec(Path root, int attempt, int serverId, boolean standalone, Set<Integer> taken) {
        Path dir = root.resolve("attempt-" + attempt + "-server-" + serverId);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create ZooKeeper data folder " + dir, e);
        }
        // ZooKeeper writes these into a properties file: every value must be a String.
        Map<String, Object> properties = standalone
                ? Map.of("clientPortAddress", LOOPBACK, "minSessionTimeout", String.valueOf(MIN_SESSION_MS),
                        "maxSessionTimeout", String.valueOf(MAX_SESSION_MS), "admin.enableServer", "false")
                : Map.of("minSessionTimeout", String.valueOf(MIN_SESSION_MS),
                        "maxSessionTimeout", String.valueOf(MAX_SESSION_MS), "admin.enableServer", "false");
        return new InstanceSpec(dir.toFile(), freePort(taken), freePort(taken), freePort(taken), false, serverId,
                TICK_MS, -1, properties, LOOPBACK);
    }

    private static int freePort(Set<Integer> taken) {
        for (int draw = 0; draw < 50; draw++) {
            int port = InstanceSpec.getRandomPort();
            if (taken.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no distinct free port found in 50 draws (taken: " + taken + ")");
    }

    /** The client connect string, for example {@code 127.0.0.1:40123} (comma separated for an ensemble). */
    public String connectString() {
        return connectString;
    }

    /** Number of servers: 1, or the ensemble size. */
    public int size() {
        return specs.size();
    }

    /** Whether this is an ensemble started by {@link #startEnsemble(int)}. */
    public boolean isEnsemble() {
        return ensemble != null;
    }

    /**
     * Stops every server; clients see a disconnection. Data and ports are kept for {@link #restart()}. Does
     * nothing when already stopped.
     */
    public synchronized void stop() {
        requireOpen("stop");
        if (state == State.STOPPED) {
            return;
        }
        try {
            if (server != null) {
                server.stop();
            } else {
                for (InstanceSpec spec : specs) {
                    ensemble.killServer(spec);
                }
            }
            state = State.STOPPED;
            log.info("ZooKeeper at {} stopped", connectString);
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop ZooKeeper at " + connectString, e);
        }
    }

    /** Starts the servers again on the same ports with the same data (stopping them first when running). */
    public synchronized void restart() {
        requireOpen("restart");
        try {
            if (server != null) {
                if (state == State.RUNNING) {
                    server.stop();
                }
                server.restart();
            } else {
                for (InstanceSpec spec : specs) {
                    ensemble.restartServer(spec);
                }
            }
            state = State.RUNNING;
            log.info("ZooKeeper at {} restarted", connectString);
        } catch (Exception e) {
            throw new IllegalStateException("cannot restart ZooKeeper at " + connectString, e);
        }
    }

    /**
     * Kills one member of an ensemble (0-based index, in connect string order). Killing a majority loses the
     * quorum: the remaining members stop serving until enough come back with {@link #restartServer(int)}.
     *
     * @throws IllegalStateException when this is not an ensemble
     */
    public synchronized void killServer(int index) {
        requireOpen("killServer");
        InstanceSpec spec = member(index);
        try {
            ensemble.killServer(spec);
            log.info("ZooKeeper ensemble member {} ({}) killed", index, spec.getConnectString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot kill ZooKeeper member " + index + " at "
                    + spec.getConnectString(), e);
        }
    }

    /** Restarts one member of an ensemble killed by {@link #killServer(int)}. */
    public synchronized void restartServer(int index) {
        requireOpen("restartServer");
        InstanceSpec spec = member(index);
        try {
            ensemble.restartServer(spec);
            log.info("ZooKeeper ensemble member {} ({}) restarted", index, spec.getConnectString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot restart ZooKeeper member " + index + " at "
                    + spec.getConnectString(), e);
        }
    }

    private InstanceSpec member(int index) {
        if (ensemble == null) {
            throw new IllegalStateException("killServer/restartServer need an ensemble (startEnsemble); this is"
                    + " a single server at " + connectString);
        }
        if (index < 0 || index >= specs.size()) {
            throw new IndexOutOfBoundsException("ZooKeeper member " + index + " of an ensemble of " + specs.size());
        }
        return specs.get(index);
    }

    private void requireOpen(String operation) {
        if (state == State.CLOSED) {
            throw new IllegalStateException(operation + ": ZooKeeper at " + connectString + " is closed");
        }
    }

    /** Stops every server and removes the temporary data folder. Idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closeQuietly(server);
        closeQuietly(ensemble);
        deleteRecursively(dataRoot);
        log.info("ZooKeeper at {} closed", connectString);
    }

    @Override
    public String toString() {
        return "EmbeddedZooKeeper[" + connectString + (ensemble != null ? ", ensemble of " + specs.size() : "")
                + "]";
    }

    /** The temporary folder holding the servers' data; gone after {@link #close()}. */
    Path dataRoot() {
        return dataRoot;
    }

    private static Path createDataRoot() {
        try {
            return Files.createTempDirectory("rpc-harness-zk-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for ZooKeeper", e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} failed", closeable, e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("cannot delete {}", path, e);
                }
            });
        } catch (IOException e) {
            log.warn("cannot delete ZooKeeper data folder {}", root, e);
        }
    }
}
