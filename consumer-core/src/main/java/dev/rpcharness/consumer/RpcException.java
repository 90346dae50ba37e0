package dev.rpcharness.consumer;

/**
 * The root of every error a call can end with. Unchecked. The synchronous proxy throws the subclasses directly;
 * {@link java.util.concurrent.Future#get()} wraps them in {@link java.util.concurrent.ExecutionException}.
 * Messages name the provider address, {@code Interface#method} and the time spent where they are known.
 */
public class RpcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RpcException(String message) {
        super(message);
    }

    public RpcException(String message, Throwable cause) {
        super(message, cause);
    }

    /** For a failure that happens so often under load that its stack trace would cost more than a call. */
    RpcException(String message, boolean writableStackTrace) {
        super(message, null, false, writableStackTrace);
    }

    /**
     * A copy of this exception made on the thread that rethrows it, with this one as its cause: a synchronous
     * caller sees its own frames in the stack and the I/O side's below "Caused by".
     */
    RpcException onCallerThread() {
        return new RpcException(getMessage(), this);
    }
}
