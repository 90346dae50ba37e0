package dev.rpcharness.consumer;

/** No provider serving the interface was connected within the provider wait budget. */
public class NoProviderException extends RpcException {

    private static final long serialVersionUID = 1L;

    public NoProviderException(String message) {
        super(message);
    }

    public NoProviderException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    RpcException onCallerThread() {
        return new NoProviderException(getMessage(), this);
    }
}
