package dev.rpcharness.provider.registration;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy that brings a {@link Registration}'s node back after its session was lost: on every
 * {@link ConnectionState#RECONNECTED} an attempt runs at once, and a failed attempt is followed by another after
 * a delay that doubles from 50 ms up to {@link Registration#MAX_RETRY_DELAY}, until one succeeds or the
 * registration ends. At most one attempt is pending at a time.
 *
 * <p>Threading: connection states arrive and attempts run on the registration's own thread, the one given here;
 * {@link #cancel()} may be called from any thread, after the registration has marked itself ended.
 */
final class Reregistrar implements ConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(Reregistrar.class);
    static final long FIRST_RETRY_DELAY_MS = 50;

    /** One attempt to register; returns whether the node had to be created. */
    interface Attempt {
        boolean register() throws Exception;
    }

    private final String name;
    private final String path;
    private final ScheduledExecutorService thread;
    private final Attempt attempt;
    private final BooleanSupplier ended;
    private final Registration.Listener listener;
    private ScheduledFuture<?> pending;

    Reregistrar(String name, String path, ScheduledExecutorService thread, Attempt attempt, BooleanSupplier ended,
                Registration.Listener listener) {
        this.name = name;
        this.path = path;
        this.thread = thread;
        this.attempt = attempt;
        this.ended = ended;
        this.listener = listener;
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState state) {
        LOG.debug("{} registry connection {}", name, state);
        if (state == ConnectionState.RECONNECTED && !ended.getAsBoolean()) {
            schedule(0L, FIRST_RETRY_DELAY_MS);
        }
    }

    private synchronized void schedule(long delayMs, long nextDelayMs) {
        if (ended.getAsBoolean()) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        pending = thread.schedule(() -> run(nextDelayMs), delayMs, TimeUnit.MILLISECONDS);
    }

    /** One attempt; on failure the next one is scheduled after {@code delayMs}, with the delay after it doubled. */
    private void run(long delayMs) {
        if (ended.getAsBoolean()) {
            return;
        }
        try {
            if (attempt.register()) {
                LOG.info("{} registered {} again after a session loss", name, path);
                listener.reregistered(path);
            }
        } catch (Exception e) {
            if (ended.getAsBoolean()) {
                return;
            }
            LOG.warn("{} could not register {} again, retrying in {} ms: {}", name, path, delayMs, e.toString());
            listener.reregisterFailed(path, e, delayMs);
            schedule(delayMs, Math.min(delayMs * 2, Registration.MAX_RETRY_DELAY.toMillis()));
        }
    }

    /** Cancels the pending attempt, if any; no other is scheduled once the registration has ended. */
    synchronized void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
