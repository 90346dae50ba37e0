package dev.rpcharness.consumer.internal.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.rpcharness.consumer.RpcException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Encodes a call's arguments as the JSON array of the request body, on the caller's thread, reusing Jackson
 * generators: a few stripes each keep one generator with its output buffer, taken by one caller at a time (a
 * caller that finds its stripe taken makes a generator of its own, as every call did before). A generator is used
 * again only after an encoding that succeeded; after a failure it is dropped. Between uses the generator writes
 * no root-value separator, so each call's bytes are exactly one array.
 *
 * <p>Threading: thread-safe. Lifecycle: one per client; holds at most {@link #STRIPES} generators.
 */
public final class ArgumentEncoder {

    static final int STRIPES = 8;

    private final ObjectMapper mapper;
    private final AtomicReferenceArray<Reusable> spares = new AtomicReferenceArray<>(STRIPES);

    public ArgumentEncoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A generator bound to its own growable output. */
    private static final class Reusable {
        final ByteArrayBuilder out = new ByteArrayBuilder(256);
        final JsonGenerator generator;

        Reusable(ObjectMapper mapper) throws IOException {
            generator = mapper.getFactory().createGenerator(out);
            generator.setRootValueSeparator(null);
        }
    }

    /**
     * Encodes the arguments by plain data binding, each for its declared generic type.
     *
     * @throws IllegalArgumentException when the number of arguments does not fit the method
     * @throws RpcException naming the method and the argument that cannot be encoded
     */
    public byte[] encode(MethodMetadata method, Object[] args) {
        ObjectWriter[] writers = method.argumentWriters();
        int count = args == null ? 0 : args.length;
        if (count != writers.length) {
            throw new IllegalArgumentException(method.label() + " takes " + writers.length + " arguments, got "
                    + count);
        }
        int stripe = (int) Thread.currentThread().getId() & (STRIPES - 1);
        Reusable r = spares.getAndSet(stripe, null);
        int index = 0;
        try {
            if (r == null) {
                r = new Reusable(mapper);
            }
            JsonGenerator generator = r.generator;
            generator.writeStartArray();
            for (; index < count; index++) {
                writers[index].writeValue(generator, args[index]);
            }
            generator.writeEndArray();
            generator.flush();
            byte[] bytes = r.out.toByteArray();
            r.out.reset();
            spares.lazySet(stripe, r);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new RpcException("cannot encode argument " + index + " of " + method.label() + ": "
                    + e.getMessage(), e);
        }
    }
}
