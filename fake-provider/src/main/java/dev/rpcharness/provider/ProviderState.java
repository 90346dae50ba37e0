package dev.rpcharness.provider;

/** The life cycle of a {@link FakeProvider}. */
public enum ProviderState {
    /** Built, not started. */
    NEW,
    /** Listening and answering. */
    RUNNING,
    /** Listening, but neither reading nor answering; sockets stay open. */
    FROZEN,
    /** Connections reset, not listening; the registry node stays until its session expires. */
    CRASHED,
    /** Stopped gracefully: deregistered, drained, closed; may be restarted. */
    STOPPED,
    /** Closed for good. */
    CLOSED
}
