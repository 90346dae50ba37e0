package dev.rpcharness.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections of a provider, with the provider-wide frozen flag new connections inherit.
 * Thread-safe.
 */
final class ConnectionSet {

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

    void freeze() {
        frozen = true;
        open.forEach(ServerConnection::freeze);
    }

    void thaw() {
        frozen = false;
        open.forEach(ServerConnection::thaw);
    }

    /** Stops reading on every connection (answers still go out): the last step before a graceful close. */
    void stopReading() {
        open.forEach(ServerConnection::stopReading);
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
