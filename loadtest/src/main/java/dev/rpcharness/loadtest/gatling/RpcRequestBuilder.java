package dev.rpcharness.loadtest.gatling;

import io.gatling.javaapi.core.Session;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** The first half of an RPC step: {@code rpc("echo")}, named for Gatling's statistics. Immutable. */
public final class RpcRequestBuilder {

    private final String requestName;

    RpcRequestBuilder(String requestName) {
        if (requestName == null || requestName.isBlank()) {
            throw new IllegalArgumentException("RPC request name is empty");
        }
        this.requestName = requestName;
    }

    /**
     * Calls {@code method} of {@code service} asynchronously with arguments computed from the session.
     *
     * @param service an interface the providers serve
     * @param method  the method name; overloads are told apart by the number of arguments
     * @param args    the arguments, from the virtual user's session; runs on the user's event loop
     */
    public RpcCallBuilder call(Class<?> service, String method, Function<Session, Object[]> args) {
        return build(service, method, args, null);
    }

    /**
     * Calls {@code method} of {@code service} with the same arguments for every user (copied now; the action then
     * needs no view of the session to compute them).
     */
    public RpcCallBuilder call(Class<?> service, String method, Object... constantArgs) {
        Object[] copy = constantArgs.clone();
        return build(service, method, session -> copy, copy);
    }

    private RpcCallBuilder build(Class<?> service, String method, Function<Session, Object[]> args,
            Object[] constantArgs) {
        Objects.requireNonNull(service, "service");
        if (!service.isInterface()) {
            throw new IllegalArgumentException(service.getName() + " is not an interface");
        }
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(args, "args");
        return new RpcCallBuilder(requestName, service, method, args, constantArgs, List.of(), null, null);
    }
}
