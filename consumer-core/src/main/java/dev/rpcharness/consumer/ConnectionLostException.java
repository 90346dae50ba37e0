package dev.rpcharness.consumer;

/** The connection closed, reset or failed to write with the call in flight. */
public class ConnectionLostException extends RpcException {

    private static final long serialVersionUID = 1L;

    public ConnectionLostException(String message) {
        super(message);
    }

    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    RpcException onCallerThread() {
        return new ConnectionLostException(getMessage(), this);
    }
}
