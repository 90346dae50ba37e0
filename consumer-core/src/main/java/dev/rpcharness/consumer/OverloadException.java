package dev.rpcharness.consumer;

/**
 * The client already had {@link ConsumerOptions#maxCallsInFlight()} calls running: the call failed at once,
 * before it was sent anywhere. The message names the bound. {@link #limit()} gives it. A future from an async
 * call fails with one that has no stack trace (it is cheap to make when every call fails at once); a sync
 * caller gets one thrown on its own thread, with its frames.
 */
public class OverloadException extends RpcException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    public OverloadException(String message, int limit) {
        super(message);
        this.limit = limit;
    }

    /**
     * An overload failure without a stack trace: what an async call gets, since under overload every call
     * fails at once and filling a stack trace would cost more than the call. The message still names the bound.
     */
    static OverloadException withoutStackTrace(String message, int limit) {
        return new OverloadException(message, limit, false);
    }

    private OverloadException(String message, int limit, boolean writableStackTrace) {
        super(message, writableStackTrace);
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
