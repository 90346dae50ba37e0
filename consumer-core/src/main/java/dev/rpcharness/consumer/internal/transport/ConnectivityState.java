package dev.rpcharness.consumer.internal.transport;

/** The state of one provider connection, in the spirit of grpc's ConnectivityState. */
public enum ConnectivityState {
    /** Created, not yet connecting. */
    IDLE,
    /** A TCP connect is under way. */
    CONNECTING,
    /** Connected; takes calls. */
    READY,
    /** The last connect failed or the connection dropped; a reconnect is scheduled with backoff. */
    TRANSIENT_FAILURE,
    /** Removed or closed for good; takes no calls and never reconnects. */
    SHUTDOWN
}
