package dev.rpcharness.provider.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The registrations of one provider across its lives: the current one (between start or restart and stop or
 * crash) and those abandoned by crashes whose sessions have not expired yet. An abandoned registration leaves
 * this set by itself once it has released its session and its thread, so crashes do not add up.
 *
 * <p>Thread-safe (all methods synchronised); blocking calls (creating a node, deleting it) happen under the lock,
 * as the provider's life-cycle steps are serialised anyway.
 */
public final class Registrations implements AutoCloseable {

    private final ProviderEndpoint endpoint;
    private final Registration.Listener listener;
    private Registration current;
    private final List<Registration> abandoned = new ArrayList<>();

    /**
     * @param endpoint where every life registers (its registry must be given)
     * @param listener told of re-registrations and failed attempts of every life (releases are handled here)
     * @throws IllegalArgumentException when the endpoint names no registry
     */
    public Registrations(ProviderEndpoint endpoint, Registration.Listener listener) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        if (!endpoint.registers()) {
            throw new IllegalArgumentException("cannot register " + endpoint + ": it names no registry");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Registers a new life: the endpoint's node for {@code port}.
     *
     * @param name the provider's name in logs and thread names
     * @throws ProviderRegistryException when ZooKeeper cannot be reached or the node not created
     * @throws IllegalStateException when a life is registered already
     */
    public synchronized void register(int port, Supplier<byte[]> data, String name) {
        if (current != null) {
            throw new IllegalStateException(name + " is registered already at " + current.path());
        }
        current = Registration.builder(endpoint, port, data).name(name).listener(new Registration.Listener() {
            @Override
            public void reregistered(String p) {
                listener.reregistered(p);
            }

            @Override
            public void reregisterFailed(String p, Exception cause, long retryInMs) {
                listener.reregisterFailed(p, cause, retryInMs);
            }

            @Override
            public void released(Registration r) {
                forget(r);
                listener.released(r);
            }
        }).build().start();
    }

    private synchronized void forget(Registration r) {
        abandoned.remove(r);
    }

    /** Whether a life is registered now. */
    public synchronized boolean registered() {
        return current != null;
    }

    /** Rewrites the current node's data, if any. */
    public void update() {
        Registration r;
        synchronized (this) {
            r = current;
        }
        if (r != null) {
            r.update();
        }
    }

    /**
     * Expires the current session on the server (see {@link Registration#expireSession()}).
     *
     * @throws IllegalStateException when nothing is registered
     */
    public void expireSession(String name) {
        Registration r;
        synchronized (this) {
            r = current;
        }
        if (r == null) {
            throw new IllegalStateException("provider " + name + " has no ZooKeeper session to expire");
        }
        r.expireSession();
    }

    /** The current life dies as in a crash (see {@link Registration#abandon()}). */
    public synchronized void abandonCurrent() {
        if (current != null) {
            current.abandon();
            if (!current.released()) {
                abandoned.add(current);
            }
            current = null;
        }
    }

    /** The current life ends cleanly: node deleted, session closed. */
    public synchronized void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    /** Abandoned registrations still holding a session (for tests and leak checks). */
    public synchronized int abandonedHeld() {
        return abandoned.size();
    }

    /** Ends the current life and every abandoned one. Idempotent. */
    @Override
    public void close() {
        List<Registration> rest;
        synchronized (this) {
            closeCurrent();
            rest = new ArrayList<>(abandoned);
            abandoned.clear();
        }
        rest.forEach(Registration::close);
    }
}
