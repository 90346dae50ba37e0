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

    /**
     * One without a stack trace, for failing calls in bulk (a connection ends with many calls in flight): the stack of the I/O thread that
     * fails them tells a caller nothing, and filling one per call costs more heap and time than the call itself,
     * enough to run a small heap out of memory with hundreds of thousands of calls pending. The message still
     * says what and where; a synchronous caller gets a copy thrown on its own thread, with its frames.
     */
    public static ConnectionLostException withoutStackTrace(String message) {
        return new ConnectionLostException(message, false);
    }

    private ConnectionLostException(String message, boolean writableStackTrace) {
        super(message, writableStackTrace);
    }

    @Override
    RpcException onCallerThread() {
        return new ConnectionLostException(getMessage(), this);
    }
}
