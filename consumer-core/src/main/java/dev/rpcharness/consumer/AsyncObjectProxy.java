package dev.rpcharness.consumer;

/**
 * The asynchronous face of a service interface. {@link #call} never blocks its caller: it returns the call's
 * future at once, and the call waits for a provider in the background when none is connected. Thread-safe.
 */
public interface AsyncObjectProxy {

    /**
     * Starts a call of the named method of the proxied interface.
     *
     * @param methodName a method of the interface; overloads are told apart by the number of arguments
     * @param args       the arguments, encoded by plain JSON data binding
     * @return the call's future; it always ends, at the latest at the call timeout
     * @throws IllegalArgumentException when the interface has no such method for these arguments
     */
    RpcFuture call(String methodName, Object... args);
}
