package dev.rpcharness.consumer;

/**
 * The client already had {@link ConsumerOptions#maxCallsInFlight()} calls running: the call failed at once,
 * before it was sent anywhere. The message names the bound. {@link #limit()} gives it.
 */
public class OverloadException extends RpcException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    public OverloadException(String message, int limit) {
        super(message);
        this.limit = limit;
    }

    OverloadException(String message, int limit, Throwable cause) {
        super(message, cause);
        this.limit = limit;
    }

    /** The bound on calls in flight that was reached. */
    public int limit() {
        return limit;
    }

    @Override
    RpcException onCallerThread() {
        return new OverloadException(getMessage(), limit, this);
    }
}
