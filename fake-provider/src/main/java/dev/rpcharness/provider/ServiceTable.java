package dev.rpcharness.provider;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interfaces a provider serves: their implementations, the per-method stubs that override them, and the
 * resolution of a wire call to a Java method. Thread-safe: services and stubs may be added while calls run.
 */
final class ServiceTable {

    /** A resolved call target: the interface method and either an implementation or a stub. */
    record Target(Method method, Object impl, StubAnswer stub) {
    }

    /** The call names an interface or method this provider does not serve. */
    static final class UnknownTargetException extends Exception {
        private final String remoteType;

        UnknownTargetException(String remoteType, String message) {
            super(message, null, false, false);
            this.remoteType = remoteType;
        }

        String remoteType() {
            return remoteType;
        }
    }

    private static final class Service {
        final Class<?> iface;
        volatile Object impl;
        final Map<String, StubAnswer> stubs = new ConcurrentHashMap<>();

        Service(Class<?> iface) {
            this.iface = iface;
        }
    }

    private final Map<String, Service> services = new ConcurrentHashMap<>();
    private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Serves {@code impl} for {@code iface}, replacing an earlier implementation. */
    <T> void serve(Class<T> iface, T impl) {
        requireInterface(iface);
        Objects.requireNonNull(impl, "impl");
        if (!iface.isInstance(impl)) {
            throw new IllegalArgumentException(impl.getClass().getName() + " does not implement " + iface.getName());
        }
        service(iface).impl = impl;
    }

    /** Answers every call of {@code iface#methodName} (any overload) with {@code answer}. */
    void stub(Class<?> iface, String methodName, StubAnswer answer) {
        requireInterface(iface);
        Objects.requireNonNull(answer, "answer");
        boolean exists = false;
        for (Method m : iface.getMethods()) {
            exists |= m.getName().equals(methodName);
        }
        if (!exists) {
            throw new IllegalArgumentException(iface.getName() + " has no method " + methodName);
        }
        service(iface).stubs.put(methodName, answer);
    }

    /** Fully qualified names of the served interfaces, in the order they were first served. */
    List<String> serviceNames() {
        return new ArrayList<>(order);
    }

    private Service service(Class<?> iface) {
        return services.computeIfAbsent(iface.getName(), n -> {
            order.add(n);
            return new Service(iface);
        });
    }

    private static void requireInterface(Class<?> iface) {
        Objects.requireNonNull(iface, "iface");
        if (!iface.isInterface()) {
            throw new IllegalArgumentException(iface.getName() + " is not an interface");
        }
    }

    /**
     * Finds the method a call names.
     *
     * @throws UnknownTargetException naming the interface or method when it is not served
     */
    Target resolve(RpcRequest request, String providerName) throws UnknownTargetException {
        Service service = request.className() == null ? null : services.get(request.className());
        if (service == null) {
            throw new UnknownTargetException("java.lang.ClassNotFoundException", "provider " + providerName
                    + " does not serve interface " + request.className() + "; it serves " + serviceNames());
        }
        Method method = findMethod(service.iface, request.methodName(), request.parameterTypes());
        if (method == null) {
            throw new UnknownTargetException("java.lang.NoSuchMethodException", "provider " + providerName
                    + " has no method " + request.label() + request.parameterTypes());
        }
        StubAnswer stub = service.stubs.get(method.getName());
        Object impl = service.impl;
        if (stub == null && impl == null) {
            throw new UnknownTargetException("java.lang.UnsupportedOperationException", "provider " + providerName
                    + " has neither an implementation nor a stub for " + request.label());
        }
        return new Target(method, impl, stub);
    }

    private static Method findMethod(Class<?> iface, String name, List<String> parameterTypes) {
        Method byName = null;
        int candidates = 0;
        for (Method m : iface.getMethods()) {
            if (!m.getName().equals(name) || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            candidates++;
            byName = m;
            Class<?>[] types = m.getParameterTypes();
            if (types.length == parameterTypes.size()) {
                boolean same = true;
                for (int i = 0; i < types.length && same; i++) {
                    same = types[i].getName().equals(parameterTypes.get(i));
                }
                if (same) {
                    return m;
                }
            }
        }
        // A caller that sends no parameter types still reaches a method that is not overloaded.
        return candidates == 1 && parameterTypes.isEmpty() ? byName : null;
    }

    /**
     * Decodes the JSON arguments with the method's generic parameter types.
     *
     * @throws IllegalArgumentException when the count or a value does not fit
     */
    static Object[] decodeArguments(Method method, JsonNode parameters, ObjectMapper mapper) {
        Type[] types = method.getGenericParameterTypes();
        int given = parameters == null || parameters.isNull() ? 0 : parameters.size();
        if (parameters != null && !parameters.isNull() && !parameters.isArray()) {
            throw new IllegalArgumentException("\"parameters\" must be a JSON array, got " + parameters.getNodeType());
        }
        if (given != types.length) {
            throw new IllegalArgumentException(method.getDeclaringClass().getSimpleName() + "#" + method.getName()
                    + " takes " + types.length + " arguments, the call has " + given);
        }
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            JavaType type = mapper.getTypeFactory().constructType(types[i]);
            JsonNode node = parameters.get(i);
            try {
                Object value = node == null || node.isNull() ? null : mapper.readerFor(type).readValue(node);
                if (value == null && type.isPrimitive()) {
                    value = java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(type.getRawClass(), 1), 0);
                }
                args[i] = value;
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("argument " + i + " of " + method.getName() + " is not a "
                        + type + ": " + e.getMessage(), e);
            }
        }
        return args;
    }

    /**
     * Runs the target: the stub if there is one, else the implementation. Throws what the method threw
     * (InvocationTargetException unwrapped).
     */
    static Object invoke(Target target, Object[] args) throws Throwable {
        if (target.stub() != null) {
            return target.stub().answer(args);
        }
        Method method = target.method();
        try {
            return method.invoke(target.impl(), args);
        } catch (IllegalAccessException e) {
            method.setAccessible(true);
            try {
                return method.invoke(target.impl(), args);
            } catch (InvocationTargetException ite) {
                throw ite.getCause();
            }
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
