package dev.rpcharness.provider.internal.server;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The interfaces a provider serves: their implementations, the per-method stubs that override them, and the
 * resolution of a wire call to a Java method. Thread-safe: services and stubs may be added while calls run.
 */
public final class ServiceTable {

    /** A canned answer for one method, given the decoded arguments; runs where implementations run. */
    @FunctionalInterface
    public interface Stub {
        Object answer(Object[] args) throws Exception;
    }

    /** A resolved call target: the interface method and either an implementation or a stub. */
    record Target(Method method, Object impl, Stub stub) {
    }

    /**
     * One served method, found once per (interface, name, parameter types) and kept: what a call needs to bind its
     * arguments straight to the declared parameter types (a reader per parameter, made on first use) and to run.
     * Thread-safe.
     */
    static final class Binding {
        private final Service service;
        final Method method;
        final String label;
        private final Type[] types;
        private final String[] typeNames;
        private volatile ObjectReader[] readers;
        private volatile JavaType[] javaTypes;
        /** This method's statistics, kept once looked up (the table and the statistics live as long as the provider). */
        volatile CallCounters.Method counters;

        private Binding(Service service, Method method) {
            this.service = service;
            this.method = method;
            try {
                // Skips the access check on every call; a method of a package the module does not open keeps it.
                method.setAccessible(true);
            } catch (RuntimeException e) {
                // InaccessibleObjectException or SecurityException: invoke() checks access as before.
            }
            this.label = method.getDeclaringClass().getSimpleName() + "#" + method.getName();
            this.types = method.getGenericParameterTypes();
            Class<?>[] raw = method.getParameterTypes();
            this.typeNames = new String[raw.length];
            for (int i = 0; i < raw.length; i++) {
                typeNames[i] = raw[i].getName();
            }
        }

        int arity() {
            return types.length;
        }

        /** The reader of parameter {@code i}: plain data binding into its declared generic type. */
        ObjectReader reader(int i, ObjectMapper mapper) {
            ObjectReader[] r = readers;
            if (r == null) {
                JavaType[] jt = new JavaType[types.length];
                r = new ObjectReader[types.length];
                for (int k = 0; k < types.length; k++) {
                    jt[k] = mapper.getTypeFactory().constructType(types[k]);
                    r[k] = mapper.readerFor(jt[k]);
                }
                javaTypes = jt;
                readers = r;
            }
            return r[i];
        }

        /** Whether parameter {@code i} is declared {@code String}: a JSON string binds to its text as it is. */
        boolean isString(int i) {
            return types[i] == String.class;
        }

        JavaType javaType(int i, ObjectMapper mapper) {
            reader(i, mapper);
            return javaTypes[i];
        }

        private boolean accepts(List<String> parameterTypes) {
            if (parameterTypes.size() != typeNames.length) {
                return false;
            }
            for (int i = 0; i < typeNames.length; i++) {
                if (!typeNames[i].equals(parameterTypes.get(i))) {
                    return false;
                }
            }
            return true;
        }
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
        final Map<String, Stub> stubs = new ConcurrentHashMap<>();
        /** The interface's methods by name, built once: a call never walks {@code getMethods()}. */
        final Map<String, List<Binding>> byName = new java.util.HashMap<>();

        Service(Class<?> iface) {
            this.iface = iface;
            for (Method m : iface.getMethods()) {
                if (!Modifier.isStatic(m.getModifiers())) {
                    byName.computeIfAbsent(m.getName(), n -> new ArrayList<>()).add(new Binding(this, m));
                }
            }
        }
    }

    private final Map<String, Service> services = new ConcurrentHashMap<>();
    /** The services as an array: a few served interfaces are found faster by comparing names than by hashing. */
    private volatile Service[] serviceArray = new Service[0];
    private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Serves {@code impl} for {@code iface}, replacing an earlier implementation. */
    public <T> void serve(Class<T> iface, T impl) {
        requireInterface(iface);
        Objects.requireNonNull(impl, "impl");
        if (!iface.isInstance(impl)) {
            throw new IllegalArgumentException(impl.getClass().getName() + " does not implement " + iface.getName());
        }
        service(iface).impl = impl;
    }

    /** Answers every call of {@code iface#methodName} (any overload) with {@code answer}. */
    public void stub(Class<?> iface, String methodName, Stub answer) {
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
    public List<String> serviceNames() {
        return new ArrayList<>(order);
    }

    private Service service(Class<?> iface) {
        return services.computeIfAbsent(iface.getName(), n -> {
            order.add(n);
            Service created = new Service(iface);
            Service[] old = serviceArray;
            Service[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = created;
            serviceArray = grown;
            return created;
        });
    }

    private static void requireInterface(Class<?> iface) {
        Objects.requireNonNull(iface, "iface");
        if (!iface.isInterface()) {
            throw new IllegalArgumentException(iface.getName() + " is not an interface");
        }
    }

    /**
     * Finds the method a call names, by name and parameter type names only: no class named by a caller is ever
     * loaded.
     *
     * @throws UnknownTargetException naming the interface or method when it is not served
     */
    Binding bind(String className, String methodName, List<String> parameterTypes, Supplier<String> providerName)
            throws UnknownTargetException {
        Service service = find(className);
        if (service == null) {
            throw new UnknownTargetException("java.lang.ClassNotFoundException", "provider " + providerName.get()
                    + " does not serve interface " + className + "; it serves " + serviceNames());
        }
        List<Binding> candidates = methodName == null ? null : service.byName.get(methodName);
        if (candidates != null) {
            for (int i = 0; i < candidates.size(); i++) {
                if (candidates.get(i).accepts(parameterTypes)) {
                    return candidates.get(i);
                }
            }
            // A caller that sends no parameter types still reaches a method that is not overloaded.
            if (candidates.size() == 1 && parameterTypes.isEmpty()) {
                return candidates.get(0);
            }
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        throw new UnknownTargetException("java.lang.NoSuchMethodException", "provider " + providerName.get()
                + " has no method " + simple + "#" + methodName + parameterTypes);
    }

    private Service find(String className) {
        if (className == null) {
            return null;
        }
        Service[] array = serviceArray;
        if (array.length <= 8) {
            for (Service s : array) {
                if (s.iface.getName().equals(className)) {
                    return s;
                }
            }
            return null;
        }
        return services.get(className);
    }

    /**
     * What runs a bound method now: the stub if there is one, else the implementation.
     *
     * @throws UnknownTargetException when the interface has neither
     */
    Target target(Binding binding, Supplier<String> providerName) throws UnknownTargetException {
        Service service = binding.service;
        Stub stub = service.stubs.isEmpty() ? null : service.stubs.get(binding.method.getName());
        Object impl = service.impl;
        if (stub == null && impl == null) {
            throw new UnknownTargetException("java.lang.UnsupportedOperationException", "provider "
                    + providerName.get() + " has neither an implementation nor a stub for " + binding.label);
        }
        return new Target(binding.method, impl, stub);
    }

    /**
     * Decodes the JSON arguments with the method's generic parameter types.
     *
     * @throws IllegalArgumentException when the count or a value does not fit
     */
    static Object[] decodeArguments(Binding binding, JsonNode parameters, ObjectMapper mapper) {
        Method method = binding.method;
        Type[] types = binding.types;
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
            JsonNode node = parameters.get(i);
            try {
                Object value = node == null || node.isNull() ? null : binding.reader(i, mapper).readValue(node);
                args[i] = value == null ? nullValue(binding.javaType(i, mapper)) : value;
            } catch (java.io.IOException e) {
                throw badArgument(binding, i, mapper, e);
            }
        }
        return args;
    }

    /** The value a JSON null binds to: null, or the primitive's zero. */
    static Object nullValue(JavaType type) {
        return type.isPrimitive()
                ? java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(type.getRawClass(), 1), 0) : null;
    }

    /** The error of an argument that does not bind to its declared type. */
    static IllegalArgumentException badArgument(Binding binding, int i, ObjectMapper mapper, Exception cause) {
        return new IllegalArgumentException("argument " + i + " of " + binding.method.getName() + " is not a "
                + binding.javaType(i, mapper) + ": " + cause.getMessage(), cause);
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
