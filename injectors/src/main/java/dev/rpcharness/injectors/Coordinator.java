package dev.rpcharness.injectors;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run's {@link RunSpec} once and lets injectors read it: the one place a run is described.
 * Publishing again with the same spec is a no-op (a restarted launcher); with another spec under the same run id it
 * fails, so two launchers cannot run different scenarios as one run.
 *
 * <p>Thread-safe and stateless beyond the client it was given; the caller owns and closes that client.
 */
public final class Coordinator {

    /** The default base path of all runs in ZooKeeper. */
    public static final String DEFAULT_BASE_PATH = "/rpc-harness";

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    private final CuratorFramework client;
    private final String basePath;

    /** A coordinator under {@link #DEFAULT_BASE_PATH}. */
    public Coordinator(CuratorFramework client) {
        this(client, DEFAULT_BASE_PATH);
    }

    /** A coordinator under the given base path (one ZooKeeper may serve several harnesses). */
    public Coordinator(CuratorFramework client, String basePath) {
        this.client = Objects.requireNonNull(client, "client");
        this.basePath = Objects.requireNonNull(basePath, "basePath");
    }

    /** The base path of the runs. */
    public String basePath() {
        return basePath;
    }

    CuratorFramework client() {
        return client;
    }

    /**
     * Publishes the run, once.
     *
     * @throws InjectorRunException when another spec is published under the same run id, or ZooKeeper fails
     */
    public void publish(RunSpec spec) {
        String path = RunPaths.of(basePath, spec.runId()).spec();
        byte[] json = spec.toJson();
        try {
            client.create().creatingParentContainersIfNeeded().forPath(path, json);
            log.info("run {} published: {} on {} injectors, seed {}", spec.runId(), spec.scenario(),
                    spec.injectors(), spec.seed());
        } catch (KeeperException.NodeExistsException e) {
            byte[] existing = read(path);
            if (!Arrays.equals(existing, json)) {
                throw new InjectorRunException("run " + spec.runId() + " is already published with another spec: "
                        + RunSpec.fromJson(existing) + " (not " + spec + ")");
            }
        } catch (Exception e) {
            throw new InjectorRunException("run " + spec.runId() + ": publishing its spec at " + path + " failed", e);
        }
    }

    /**
     * The published spec of a run, waiting up to {@code wait} for it to appear (an injector may start before the
     * launcher publishes).
     *
     * @throws InjectorRunException when it does not appear in time, or ZooKeeper fails
     */
    public RunSpec awaitSpec(String runId, Duration wait) throws InterruptedException {
        String path = RunPaths.of(basePath, runId).spec();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            CountDownLatch changed = new CountDownLatch(1);
            try {
                if (client.checkExists().usingWatcher(
                        (org.apache.zookeeper.Watcher) event -> changed.countDown()).forPath(path) != null) {
                    return RunSpec.fromJson(read(path));
                }
            } catch (InjectorRunException e) {
                throw e;
            } catch (Exception e) {
                throw new InjectorRunException("run " + runId + ": reading its spec at " + path + " failed", e);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !changed.await(left, TimeUnit.NANOSECONDS) && System.nanoTime() >= deadline) {
                throw new InjectorRunException("run " + runId + ": no spec at " + path + " after "
                        + wait.toMillis() + " ms; was it published?");
            }
        }
    }

    private byte[] read(String path) {
        try {
            return client.getData().forPath(path);
        } catch (Exception e) {
            throw new InjectorRunException("reading " + path + " failed", e);
        }
    }
}
