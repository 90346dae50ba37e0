package dev.rpcharness.provider.internal.server;

/**
 * One answer (or wire fault) waiting for its turn on a connection. Exactly one of {@link #write} or
 * {@link #drop} is called, on the connection's event loop.
 */
interface PendingWrite {

    /** Puts the answer on the wire; the connection is open and not frozen. */
    void write(ServerConnection connection);

    /** The connection closed before the answer could be written. */
    void drop();
}
