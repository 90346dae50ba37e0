package dev.rpcharness.provider;

import dev.rpcharness.provider.fault.FaultDecider;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultPlanHistory;
import dev.rpcharness.provider.internal.server.ProviderServer;
import dev.rpcharness.provider.registration.Registration;
import dev.rpcharness.provider.registration.ProviderEndpoint;
import dev.rpcharness.provider.registration.Registrations;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle of one {@link FakeProvider}: {@code NEW -start-> RUNNING <-freeze/thaw-> FROZEN}; {@code crash}
 * and {@code stop} leave {@code CRASHED} and {@code STOPPED}, from which {@code restart} binds the same port again;
 * {@code close} ends everything from any state. It owns what lives from start to close: the {@link ProviderServer}
 * (threads, socket, connections), the ZooKeeper registrations, and the fault plan the server decides with.
 *
 * <p>Threading: every step is serialised under one lock and synchronous; no step waits for the server's threads
 * longer than {@link ProviderServer#WAIT_FOR_IO_NANOS} at a time ({@code stop} waits for calls in flight up to the
 * drain timeout). Events go to the listeners after the step, outside the lock, on the calling thread.
 */
final class ProviderLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderLifecycle.class);

    /** What the life cycle needs from its provider's configuration. */
    record Config(ProviderEndpoint endpoint, Duration drainTimeout, Duration quietPeriod, FaultPlan plan) {
        String host() {
            return endpoint.host();
        }

        String registry() {
            return endpoint.registry();
        }

        String name() {
            return endpoint.name();
        }
    }

    private final Config config;
    private final Function<FaultDecider, ProviderServer> newServer;
    private final Supplier<byte[]> nodeData;
    private final ProviderListeners listeners = new ProviderListeners();
    /** This provider's lives in ZooKeeper; null without a registry. */
    private final Registrations registrations;
    /** Serialises life-cycle steps (which may block for a drain). */
    private final Object lock = new Object();
    /** Guards plan replacement only, so a plan can change while a life-cycle step runs. */
    private final Object planLock = new Object();

    private volatile int port;
    private volatile ProviderState state = ProviderState.NEW;
    private volatile FaultPlan plan;
    private final FaultPlanHistory planHistory;
    private volatile ProviderServer server;

    /**
     * @param newServer makes the server (threads started, not listening) deciding faults with the given decider
     * @param nodeData  the registry node's data, read when registering
     */
    ProviderLifecycle(Config config, Function<FaultDecider, ProviderServer> newServer, Supplier<byte[]> nodeData) {
        this.config = config;
        this.newServer = newServer;
        this.nodeData = nodeData;
        this.port = config.endpoint().port();
        this.plan = config.plan();
        this.planHistory = new FaultPlanHistory(config.plan());
        this.registrations = config.registry() == null ? null : new Registrations(config.endpoint(),
                new Registration.Listener() {
                    @Override
                    public void reregistered(String path) {
                        fire("reregister", path);
                    }

                    @Override
                    public void reregisterFailed(String path, Exception cause, long retryInMs) {
                        fire("reregister-failed", path + " " + cause + "; retry in " + retryInMs + " ms");
                    }
                });
    }

    int port() {
        return port;
    }

    ProviderState state() {
        return state;
    }

    String name() {
        return config.name() != null ? config.name() : "provider-" + port;
    }

    String address() {
        return config.host() + ":" + port;
    }

    /** The running server, or null before start and after close. */
    ProviderServer server() {
        return server;
    }

    void addListener(ProviderListener l) {
        listeners.add(l);
    }

    /** The registry node lists a changed set of services (while registered). */
    void servicesChanged() {
        if (registrations != null) {
            registrations.update();
        }
    }

    void start() {
        synchronized (lock) {
            requireState("start", ProviderState.NEW);
            synchronized (planLock) {
                server = newServer.apply(plan.newDecider());
            }
            try {
                bindAndRegister();
            } catch (RuntimeException e) {
                releaseAll();
                state = ProviderState.CLOSED;
                throw e;
            }
            state = ProviderState.RUNNING;
        }
        fire("start", address());
    }

    private void bindAndRegister() {
        port = server.bind(config.host(), port);
        if (registrations != null) {
            try {
                registrations.register(port, nodeData, name());
            } catch (RuntimeException e) {
                server.closeListener();
                throw e;
            }
        }
        LOG.info("{} listening on {}{}", name(), address(),
                config.registry() == null ? "" : ", registered at " + config.registry());
    }

    void faultPlan(FaultPlan newPlan) {
        Objects.requireNonNull(newPlan, "plan");
        synchronized (planLock) {
            this.plan = newPlan;
            ProviderServer s = server;
            if (s != null) {
                s.decider(newPlan.newDecider());
            }
            planHistory.installed(newPlan, System.nanoTime());
        }
        fire("faultPlan", newPlan.toString());
    }

    FaultPlan faultPlan() {
        return plan;
    }

    FaultPlanHistory planHistory() {
        return planHistory;
    }

    void crash() {
        synchronized (lock) {
            requireState("crash", ProviderState.RUNNING, ProviderState.FROZEN);
            server.crash();
            if (registrations != null) {
                registrations.abandonCurrent();
            }
            state = ProviderState.CRASHED;
        }
        fire("crash", address());
    }

    void freeze() {
        synchronized (lock) {
            requireState("freeze", ProviderState.RUNNING);
            server.freeze();
            state = ProviderState.FROZEN;
        }
        fire("freeze", address());
    }

    void thaw() {
        synchronized (lock) {
            requireState("thaw", ProviderState.FROZEN);
            server.thaw();
            state = ProviderState.RUNNING;
        }
        fire("thaw", address());
    }

    void stop() {
        synchronized (lock) {
            requireState("stop", ProviderState.RUNNING, ProviderState.FROZEN, ProviderState.CRASHED);
            stopLocked();
        }
        fire("stop", address());
    }

    private void stopLocked() {
        if (registrations != null) {
            registrations.closeCurrent();
        }
        server.stop(config.quietPeriod().toNanos(), config.drainTimeout().toNanos());
        state = ProviderState.STOPPED;
    }

    void restart() {
        synchronized (lock) {
            requireState("restart", ProviderState.RUNNING, ProviderState.FROZEN, ProviderState.CRASHED,
                    ProviderState.STOPPED);
            if (state == ProviderState.RUNNING || state == ProviderState.FROZEN) {
                stopLocked();
            }
            bindAndRegister();
            state = ProviderState.RUNNING;
        }
        fire("restart", address());
    }

    void expireSession() {
        synchronized (lock) {
            if (registrations == null || !registrations.registered()) {
                throw new IllegalStateException("provider " + name() + " has no ZooKeeper session to expire (state "
                        + state + (config.registry() == null ? ", no registry configured)" : ")"));
            }
        }
        registrations.expireSession(name());
        fire("expireSession", address());
    }

    void close() {
        synchronized (lock) {
            if (state == ProviderState.CLOSED) {
                return;
            }
            releaseAll();
            state = ProviderState.CLOSED;
        }
        fire("close", address());
    }

    private void releaseAll() {
        if (registrations != null) {
            registrations.close();
        }
        ProviderServer s = server;
        if (s != null) {
            s.close();
            server = null;
        }
    }

    private void requireState(String action, ProviderState... allowed) {
        for (ProviderState s : allowed) {
            if (state == s) {
                return;
            }
        }
        throw new IllegalStateException("cannot " + action + " provider " + name() + " (" + address() + ") in state "
                + state);
    }

    private void fire(String action, String detail) {
        listeners.fire(new ProviderEvent(name(), action, detail));
    }
}
