package dev.rpcharness.injectors;

import java.time.Duration;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Waits until a condition over the children of some nodes holds or a deadline passes: the run's start and end
 * barriers. Each check reads the children afresh from ZooKeeper; between checks the waiter sleeps until its owner
 * reports a {@link #changed() change} (a member joined or left) or {@link #RECHECK} passes, whichever is first. No
 * reported change is missed: the waiter only sleeps when none was reported since the read it checked began. The
 * recheck is a poll on purpose: with watches of their own on the barrier nodes (standard watches, or the members
 * cache widened to the whole run), the members cache of some sessions missed a dead injector's deletion in
 * {@code InjectorRunTest}; the cause was not traced, so the barrier nodes carry no watch.
 *
 * <p>Threading: {@link #await} is called by one thread at a time (the injector's driving thread); {@link #changed()}
 * by any thread. Lifecycle: none of its own; the client is the caller's.
 */
final class ChildrenWait {

    /** Reads children for a check. */
    interface Reader {
        /** The children of {@code parent}, empty when it does not exist. */
        SortedSet<String> children(String parent) throws Exception;
    }

    /** The condition waited for, over what it reads. */
    interface Check {
        boolean holds(Reader reader) throws Exception;
    }

    /** The longest sleep between two checks. */
    static final Duration RECHECK = Duration.ofMillis(50);

    private final CuratorFramework client;
    private final Object monitor = new Object();
    private long changes;

    ChildrenWait(CuratorFramework client) {
        this.client = client;
    }

    /** Wakes the waiter to check again: something under the run changed. */
    void changed() {
        synchronized (monitor) {
            changes++;
            monitor.notifyAll();
        }
    }

    /**
     * Waits until {@code done} holds for what it reads, at most {@code timeout}.
     *
     * @return true when it held in time, false when the deadline passed first
     * @throws Exception when ZooKeeper fails beyond the client's retries
     */
    boolean await(Duration timeout, Check done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Reader reader = this::children;
        for (;;) {
            long seen;
            synchronized (monitor) {
                seen = changes;
            }
            if (done.holds(reader)) {
                return true;
            }
            synchronized (monitor) {
                while (changes == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    long sleep = Math.min(left, RECHECK.toNanos());
                    monitor.wait(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    if (sleep < left) {
                        break; // the recheck is due
                    }
                }
            }
        }
    }

    private SortedSet<String> children(String parent) throws Exception {
        try {
            return new TreeSet<>(client.getChildren().forPath(parent));
        } catch (KeeperException.NoNodeException e) {
            return new TreeSet<>();
        }
    }
}
