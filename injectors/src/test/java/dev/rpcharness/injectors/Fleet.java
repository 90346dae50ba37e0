package dev.rpcharness.injectors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper (curator-test) and one Curator client per simulated injector: closing an injector's client ends
 * its session, as the death of its JVM would. Closes everything it made.
 */
final class Fleet implements AutoCloseable {

    final TestingServer zk;
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final List<AutoCloseable> owned = new ArrayList<>();
    final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-injector");
        t.setDaemon(true);
        return t;
    });

    Fleet() throws Exception {
        zk = new TestingServer(true);
    }

    /** A new client, as one injector JVM would have, started and connected. */
    CuratorFramework client() throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100)).build();
        synchronized (clients) {
            clients.add(client);
        }
        client.start();
        if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no connection to " + zk.getConnectString());
        }
        return client;
    }

    /** One injector of a started run: its own client (close it to end its session) and its run. */
    record Joined(CuratorFramework client, InjectorRun run) {
    }

    /**
     * Publishes {@code spec}, joins every injector of it, each on its own client, and returns them past the start
     * barrier, in index order; the runs close with the fleet.
     */
    List<Joined> startRun(RunSpec spec) throws Exception {
        new Coordinator(client()).publish(spec);
        List<Joined> joined = new ArrayList<>();
        List<Future<Long>> starts = new ArrayList<>();
        for (int i = 0; i < spec.injectors(); i++) {
            CuratorFramework client = client();
            InjectorRun run = closeAtEnd(InjectorRun.join(new Coordinator(client), spec, i));
            joined.add(new Joined(client, run));
            starts.add(threads.submit(run::awaitStart));
        }
        for (Future<Long> start : starts) {
            start.get(20, TimeUnit.SECONDS);
        }
        return joined;
    }

    /** Closes {@code resource} when the fleet closes: before the clients, the last one taken first. */
    <T extends AutoCloseable> T closeAtEnd(T resource) {
        synchronized (owned) {
            owned.add(resource);
        }
        return resource;
    }

    @Override
    public void close() throws Exception {
        synchronized (owned) {
            for (int i = owned.size() - 1; i >= 0; i--) {
                owned.get(i).close();
            }
        }
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        synchronized (clients) {
            for (CuratorFramework client : clients) {
                client.close();
            }
        }
        zk.close();
    }
}
