package dev.rpcharness.consumer.internal.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.policy.CallPolicy;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * What the client needs to call one interface method, computed once per method and cached: the constant part of
 * the request body, a Jackson writer per parameter (for its generic type) and a reader for the generic return
 * type. Immutable and thread-safe.
 */
public final class MethodMetadata {

    private final Method method;
    private final String serviceName;
    private final String label;
    private final byte[] bodyTail;
    private final ObjectWriter[] argumentWriters;
    private final ObjectReader resultReader;
    private final JavaType resultType;
    private final boolean returnsVoid;
    private final CallPolicy policy;

    /**
     * @param serviceInterface the interface the proxy was made for: the call's {@code className} and routing key,
     *                         also for a method it inherits from a super-interface
     */
    MethodMetadata(Class<?> serviceInterface, Method method, ObjectMapper mapper, CallPolicy policy) {
        this.method = method;
        this.policy = policy;
        this.serviceName = serviceInterface.getName();
        this.label = serviceInterface.getSimpleName() + "#" + method.getName();
        this.bodyTail = bodyTail(serviceInterface, method, mapper);
        Type[] parameterTypes = method.getGenericParameterTypes();
        this.argumentWriters = new ObjectWriter[parameterTypes.length];
        for (int i = 0; i < parameterTypes.length; i++) {
            argumentWriters[i] = mapper.writerFor(mapper.constructType(parameterTypes[i]));
        }
        Class<?> returnType = method.getReturnType();
        this.returnsVoid = returnType == void.class || returnType == Void.class;
        this.resultType = mapper.constructType(method.getGenericReturnType());
        this.resultReader = returnsVoid ? null : mapper.readerFor(resultType);
    }

    /**
     * The body after the request id: {@code ,"className":...,"methodName":...,"parameterTypes":[...],
     * "parameters":}; the caller appends the encoded argument array and the closing brace.
     */
    private static byte[] bodyTail(Class<?> serviceInterface, Method method, ObjectMapper mapper) {
        try {
            StringBuilder tail = new StringBuilder(128);
            tail.append(",\"className\":").append(mapper.writeValueAsString(serviceInterface.getName()));
            tail.append(",\"methodName\":").append(mapper.writeValueAsString(method.getName()));
            tail.append(",\"parameterTypes\":[");
            Class<?>[] types = method.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                tail.append(i == 0 ? "" : ",").append(mapper.writeValueAsString(types[i].getName()));
            }
            tail.append("],\"parameters\":");
            return tail.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot describe " + method, e);
        }
    }

    /**
     * Encodes the arguments as a JSON array, each by plain data binding for its declared generic type.
     * Runs on the caller's thread.
     *
     * @throws RpcException naming the method and the argument that cannot be encoded
     */
    public byte[] encodeArguments(Object[] args, ObjectMapper mapper) {
        int count = args == null ? 0 : args.length;
        if (count != argumentWriters.length) {
            throw new IllegalArgumentException(label + " takes " + argumentWriters.length + " arguments, got "
                    + count);
        }
        int index = 0;
        try (ByteArrayBuilder out = new ByteArrayBuilder(64);
             JsonGenerator generator = mapper.getFactory().createGenerator(out)) {
            generator.writeStartArray();
            for (; index < count; index++) {
                argumentWriters[index].writeValue(generator, args[index]);
            }
            generator.writeEndArray();
            generator.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new RpcException("cannot encode argument " + index + " of " + label + ": " + e.getMessage(), e);
        }
    }

    /** The writers of the parameters, in order; shared, do not modify. */
    ObjectWriter[] argumentWriters() {
        return argumentWriters;
    }

    public Method method() {
        return method;
    }

    /** Fully qualified interface name, as sent in {@code className}. */
    public String serviceName() {
        return serviceName;
    }

    /** "Interface#method", as error messages name the method. */
    public String label() {
        return label;
    }

    /** The constant tail of the request body; see {@link #bodyTail(Class, Method, ObjectMapper)}. Do not modify. */
    public byte[] bodyTail() {
        return bodyTail;
    }

    public boolean returnsVoid() {
        return returnsVoid;
    }

    /** Whether the declared return type is {@code String}. */
    public boolean returnsString() {
        return method.getReturnType() == String.class;
    }

    /** Whether the declared return type is a primitive, which cannot take a null result. */
    public boolean returnsPrimitive() {
        return method.getReturnType().isPrimitive() && !returnsVoid;
    }

    /** Reader for the generic return type; null for void methods. */
    public ObjectReader resultReader() {
        return resultReader;
    }

    public JavaType resultType() {
        return resultType;
    }

    public int parameterCount() {
        return argumentWriters.length;
    }

    @Override
    public String toString() {
        return label;
    }

    /** How calls of this method are made (docs/call-policies.md); {@link CallPolicy#ONE_ATTEMPT} by default. */
    public CallPolicy policy() {
        return policy;
    }
}
