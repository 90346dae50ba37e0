package dev.rpcharness.consumer;

/** ZooKeeper could not be reached or used for provider discovery. */
public class RegistryException extends RpcException {

    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    RpcException onCallerThread() {
        return new RegistryException(getMessage(), this);
    }
}
