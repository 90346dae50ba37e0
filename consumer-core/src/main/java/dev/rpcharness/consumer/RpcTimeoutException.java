package dev.rpcharness.consumer;

/** The call's timeout passed before its result arrived; a late result is dropped. */
public class RpcTimeoutException extends RpcException {

    private static final long serialVersionUID = 1L;

    public RpcTimeoutException(String message) {
        super(message);
    }

    public RpcTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    RpcException onCallerThread() {
        return new RpcTimeoutException(getMessage(), this);
    }
}
