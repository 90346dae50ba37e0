package dev.rpcharness.consumer;

/** The provider's method threw; {@link #remoteType()} and {@link #remoteMessage()} say what it threw. */
public class RemoteInvocationException extends RpcException {

    private static final long serialVersionUID = 1L;

    private final String remoteType;
    private final String remoteMessage;

    public RemoteInvocationException(String message, String remoteType, String remoteMessage) {
        super(message);
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
    }

    public RemoteInvocationException(String message, String remoteType, String remoteMessage, Throwable cause) {
        super(message, cause);
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
    }

    @Override
    RpcException onCallerThread() {
        return new RemoteInvocationException(getMessage(), remoteType, remoteMessage, this);
    }

    /** Fully qualified class name of the exception thrown on the provider. */
    public String remoteType() {
        return remoteType;
    }

    /** The message of the exception thrown on the provider, possibly null. */
    public String remoteMessage() {
        return remoteMessage;
    }
}
