package dev.rpcharness.consumer.internal.proxy;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.RpcFuture;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The invocation handler behind a service proxy, and the asynchronous proxy itself. {@code equals},
 * {@code hashCode} and {@code toString} are answered locally (identity semantics) and default methods run
 * locally; every other method becomes a remote call. Thread-safe.
 */
public final class ObjectProxy implements InvocationHandler, AsyncObjectProxy {

    private final ServiceMethods methods;
    private final CallInvoker invoker;
    private final String description;

    public ObjectProxy(ServiceMethods methods, CallInvoker invoker, String clientDescription) {
        this.methods = methods;
        this.invoker = invoker;
        this.description = "RpcProxy[" + methods.serviceInterface().getName() + " via " + clientDescription + "]";
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> description;
                default -> throw new UnsupportedOperationException(method.getName() + " is not supported on "
                        + description);
            };
        }
        if (method.isDefault()) {
            try {
                return InvocationHandler.invokeDefault(proxy, method, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        MethodMetadata metadata = methods.of(method);
        if (metadata == null) {
            throw new UnsupportedOperationException(method + " is not a remote method of " + description);
        }
        return invoker.callSync(metadata, args);
    }

    @Override
    public RpcFuture call(String methodName, Object... args) {
        return invoker.callAsync(methods.resolve(methodName, args), args);
    }

    /** Creates the synchronous JDK proxy for the interface. */
    public <T> T newProxy(Class<T> serviceInterface) {
        return serviceInterface.cast(Proxy.newProxyInstance(serviceInterface.getClassLoader(),
                new Class<?>[] {serviceInterface}, this));
    }

    @Override
    public String toString() {
        return description;
    }
}
