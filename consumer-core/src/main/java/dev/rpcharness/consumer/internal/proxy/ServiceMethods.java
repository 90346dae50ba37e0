package dev.rpcharness.consumer.internal.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.consumer.policy.CallPolicy;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The callable methods of one service interface, with their {@link MethodMetadata}, built once per interface.
 * Immutable and thread-safe.
 */
public final class ServiceMethods {

    private final Class<?> serviceInterface;
    private final Map<Method, MethodMetadata> byMethod = new HashMap<>();
    private final Map<String, List<MethodMetadata>> byName = new HashMap<>();

    /** The methods of {@code serviceInterface}, each with the policy its annotations declare. */
    public ServiceMethods(Class<?> serviceInterface, ObjectMapper mapper) {
        this(serviceInterface, mapper, (type, method) -> CallPolicy.of(method));
    }

    /** The methods of {@code serviceInterface}, each with the policy {@code policies} gives it. */
    public ServiceMethods(Class<?> serviceInterface, ObjectMapper mapper,
                          BiFunction<Class<?>, Method, CallPolicy> policies) {
        if (!serviceInterface.isInterface()) {
            throw new IllegalArgumentException(serviceInterface.getName() + " is not an interface");
        }
        this.serviceInterface = serviceInterface;
        for (Method method : serviceInterface.getMethods()) {
            if (method.getDeclaringClass() == Object.class || Modifier.isStatic(method.getModifiers())
                    || method.isDefault()) {
                continue;
            }
            MethodMetadata metadata = new MethodMetadata(serviceInterface, method, mapper,
                    policies.apply(serviceInterface, method));
            byMethod.put(method, metadata);
            byName.computeIfAbsent(method.getName(), n -> new ArrayList<>()).add(metadata);
        }
    }

    public Class<?> serviceInterface() {
        return serviceInterface;
    }

    /** The metadata of a method of the interface, or null if it is not a remote method. */
    public MethodMetadata of(Method method) {
        return byMethod.get(method);
    }

    /**
     * Finds the method an asynchronous call names: by name, and among overloads by the number of arguments and
     * then by their runtime types.
     *
     * @throws IllegalArgumentException when no single method fits
     */
    public MethodMetadata resolve(String methodName, Object[] args) {
        List<MethodMetadata> candidates = byName.get(methodName);
        if (candidates == null) {
            throw new IllegalArgumentException(serviceInterface.getName() + " has no method '" + methodName + "'");
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        int count = args == null ? 0 : args.length;
        MethodMetadata found = null;
        for (MethodMetadata candidate : candidates) {
            if (candidate.parameterCount() == count && accepts(candidate.method(), args)) {
                if (found != null) {
                    throw new IllegalArgumentException("call of " + serviceInterface.getSimpleName() + "#"
                            + methodName + " with " + count + " arguments is ambiguous among its overloads");
                }
                found = candidate;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException(serviceInterface.getName() + " has no method '" + methodName
                    + "' taking these " + count + " arguments");
        }
        return found;
    }

    private static boolean accepts(Method method, Object[] args) {
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            Object arg = args[i];
            Class<?> type = types[i].isPrimitive() ? boxed(types[i]) : types[i];
            if (arg == null ? types[i].isPrimitive() : !type.isInstance(arg)) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> boxed(Class<?> primitive) {
        return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
    }
}
