package dev.rpcharness.provider.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open connections of a provider, with the provider-wide frozen flag new connections inherit.
 * Thread-safe. {@link #freeze}, {@link #thaw} and {@link #stopReading} are synchronous: they return once the step
 * took effect on every connection's event loop, so a caller may act on the new state at once.
 */
final class ConnectionSet {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSet.class);
    /**
     * Longest wait for a freeze, thaw or stop-reading to take effect on every connection; only an I/O thread
     * blocked by an implementation ({@code ImplementationThreads.IO_THREAD}) takes that long.
     */
    static final long STEP_TIMEOUT_SECONDS = 1;

    private final Set<ServerConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean frozen;

    void added(ServerConnection c) {
        open.add(c);
        if (frozen) {
            c.startFrozen();
        }
    }

    void removed(ServerConnection c) {
        open.remove(c);
    }

    int size() {
        return open.size();
    }

    List<ServerConnection> snapshot() {
        return new ArrayList<>(open);
    }

    /** Freezes every open connection (and those accepted from now on); returns once each has taken effect. */
    void freeze() {
        frozen = true;
        awaitAll("freeze", ServerConnection::freeze);
    }

    /** Thaws every open connection; returns once each reads again and has written its held answers. */
    void thaw() {
        frozen = false;
        awaitAll("thaw", ServerConnection::thaw);
    }

    /**
     * Stops reading on every connection (answers still go out): the last step before a graceful close. Returns
     * once no connection reads any more.
     */
    void stopReading() {
        awaitAll("stop reading", ServerConnection::stopReading);
    }

    /**
     * Runs {@code step} on every open connection's event loop and waits until all have run, up to
     * {@link #STEP_TIMEOUT_SECONDS} in all (an event loop held that long by a blocking implementation is logged and
     * not waited for further).
     */
    private void awaitAll(String name, Function<ServerConnection, Future<?>> step) {
        List<Future<?>> done = new ArrayList<>();
        for (ServerConnection c : open) {
            done.add(step.apply(c));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_SECONDS);
        for (Future<?> f : done) {
            long left = deadline - System.nanoTime();
            if (!f.awaitUninterruptibly(Math.max(0L, left), TimeUnit.NANOSECONDS)) {
                LOG.warn("{} did not take effect on a connection within {} s: its event loop is busy", name,
                        STEP_TIMEOUT_SECONDS);
                return;
            }
        }
    }

    void resetAll() {
        snapshot().forEach(ServerConnection::reset);
    }

    void closeAll() {
        snapshot().forEach(ServerConnection::closeGracefully);
    }

    boolean isFrozen() {
        return frozen;
    }
}
