package dev.rpcharness.consumer;

/** The client was closed before the call ended. */
public class ClientClosedException extends RpcException {

    private static final long serialVersionUID = 1L;

    public ClientClosedException(String message) {
        super(message);
    }

    public ClientClosedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    RpcException onCallerThread() {
        return new ClientClosedException(getMessage(), this);
    }
}
