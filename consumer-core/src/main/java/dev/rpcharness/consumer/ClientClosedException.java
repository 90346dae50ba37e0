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

    /**
     * One without a stack trace, for failing calls in bulk (the client closes with many calls in flight): the stack of the I/O thread that
     * fails them tells a caller nothing, and filling one per call costs more heap and time than the call itself,
     * enough to run a small heap out of memory with hundreds of thousands of calls pending. The message still
     * says what and where; a synchronous caller gets a copy thrown on its own thread, with its frames.
     */
    public static ClientClosedException withoutStackTrace(String message) {
        return new ClientClosedException(message, false);
    }

    private ClientClosedException(String message, boolean writableStackTrace) {
        super(message, writableStackTrace);
    }

    @Override
    RpcException onCallerThread() {
        return new ClientClosedException(getMessage(), this);
    }
}
