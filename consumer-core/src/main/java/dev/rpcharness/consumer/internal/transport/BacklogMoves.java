package dev.rpcharness.consumer.internal.transport;

import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;

/**
 * Moves a connection's unsent calls (its {@link CallQueue} backlog, never written) to other connections, a bounded
 * batch per turn of the event loop: while the channel takes no writes, to a writable connection
 * ({@link ConnectionListener#reroute}); once the provider is ejected, to any usable one
 * ({@link ConnectionListener#relocate}).
 *
 * <p>Threading: {@link #rerouteNow()} on the connection's event loop; the {@code schedule} methods from any thread
 * (they post to that event loop, and do nothing once it is gone: the client is closing, and its close fails the
 * backlog).
 */
final class BacklogMoves {

    /** Unsent calls offered elsewhere per turn of the event loop. */
    static final int BATCH = 256;

    private final ProviderConnection connection;
    private final CallQueue queue;
    private final ConnectionListener listener;
    private final EventLoop eventLoop;
    private final Runnable rerouteTask = this::rerouteIfNotWritable;
    private final Runnable evacuateTask = this::evacuateNow;

    BacklogMoves(ProviderConnection connection, CallQueue queue, ConnectionListener listener, EventLoop eventLoop) {
        this.connection = connection;
        this.queue = queue;
        this.listener = listener;
        this.eventLoop = eventLoop;
    }

    /**
     * Offers the unsent calls to other providers while the channel takes no writes; does nothing when no other
     * connection is writable (walking a backlog of thousands at every writability change of a busy single
     * connection cost more than sending them). At most {@link #BATCH} calls per turn of the event loop, then it
     * goes on in a later task: a writable connection has room for about that many before it stops taking writes
     * too, and moving a whole backlog of thousands back and forth between two busy connections at every
     * writability change cost more than it moved.
     */
    void rerouteNow() {
        if (!queue.isEmpty() && listener.anyOtherWritable(connection)
                && queue.moveTo(c -> listener.reroute(connection, c), BATCH)) {
            post(rerouteTask);
        }
    }

    /** Another connection became writable: if this one is not, its unsent calls may go there. */
    void scheduleReroute() {
        post(rerouteTask);
    }

    /** The provider left rotation: every unsent call moves to a usable connection, writable or not. */
    void scheduleEvacuation() {
        post(evacuateTask);
    }

    private void rerouteIfNotWritable() {
        if (!connection.isWritable()) {
            rerouteNow();
        }
    }

    private void evacuateNow() {
        if (connection.state() == ConnectivityState.SHUTDOWN) {
            return;
        }
        queue.admit(System.nanoTime());
        if (queue.moveTo(c -> listener.relocate(connection, c), BATCH)) {
            post(evacuateTask);
        }
    }

    private void post(Runnable task) {
        try {
            eventLoop.execute(task);
        } catch (RejectedExecutionException closed) {
            // the client is closing; the backlog is failed by shutdownNow
        }
    }
}
