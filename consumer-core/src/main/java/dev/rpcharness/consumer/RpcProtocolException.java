package dev.rpcharness.consumer;

/** The provider broke the wire contract: non-2xx status, malformed, truncated, oversized or uncorrelatable response. */
public class RpcProtocolException extends RpcException {

    private static final long serialVersionUID = 1L;

    public RpcProtocolException(String message) {
        super(message);
    }

    public RpcProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    RpcException onCallerThread() {
        return new RpcProtocolException(getMessage(), this);
    }
}
