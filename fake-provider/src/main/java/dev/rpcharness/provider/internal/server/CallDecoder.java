package dev.rpcharness.provider.internal.server;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads a call body in one pass, straight from the request's buffer: the envelope fields as they stream by, and
 * the arguments bound directly to the declared parameter types of the method the call names (a cached reader per
 * parameter; no JSON tree, no copy of the body). A body whose {@code parameters} come before the fields naming the
 * method is buffered as a tree and bound afterwards, with the same result. A body of the contract's fixed shape
 * (the order and spelling the consumer core sends, plain strings) is read first by {@link FixedEnvelope}, with no
 * parser at all; anything it does not take is read here in full, with the same decisions.
 *
 * <p>Only declared types are ever bound, with plain data binding: a class name in a payload (a polymorphic type
 * id, {@code parameterTypes} naming a class that is not a parameter of a served method) is never loaded or
 * instantiated.
 *
 * <p>Thread-safe (stateless apart from its collaborators); runs on the connection's event loop.
 */
final class CallDecoder {

    /** The body is not an RPC call at all (not JSON, or its envelope has the wrong shape). */
    static final class NotACallException extends Exception {
        NotACallException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final ServiceTable services;
    private final ObjectMapper mapper;
    private final Supplier<String> providerName;

    private final FixedEnvelope fixed;

    CallDecoder(ServiceTable services, ObjectMapper mapper, Supplier<String> providerName) {
        this(services, mapper, providerName, true);
    }

    /** @param fixedShape whether bodies of the contract's fixed shape are read by hand ({@link FixedEnvelope}) */
    CallDecoder(ServiceTable services, ObjectMapper mapper, Supplier<String> providerName, boolean fixedShape) {
        this.services = services;
        this.mapper = mapper;
        this.providerName = providerName;
        this.fixed = fixedShape ? new FixedEnvelope(services, providerName) : null;
    }

    /** Bodies up to this size are parsed from the caller's scratch array; larger ones stream from the buffer. */
    static final int SCRATCH_LIMIT = 64 * 1024;

    /**
     * Decodes {@code body}, which stays owned (and released) by the caller. A body in a heap buffer is parsed in
     * place; another one up to {@link #SCRATCH_LIMIT} bytes is first copied into {@code scratch} (the caller's
     * reusable array, at least that large; no allocation per call), a larger one is streamed.
     *
     * @param bodyIdNeeded false when the request's header gave the id: the body's {@code requestId} is then
     *                     checked but not kept ({@link DecodedCall#requestId} is null)
     */
    DecodedCall decode(ByteBuf body, byte[] scratch, boolean bodyIdNeeded) throws NotACallException {
        int length = body.readableBytes();
        byte[] array = null;
        int offset = 0;
        if (body.hasArray()) {
            array = body.array();
            offset = body.arrayOffset() + body.readerIndex();
        } else if (length <= scratch.length) {
            body.getBytes(body.readerIndex(), scratch, 0, length);
            array = scratch;
        }
        if (array != null && fixed != null) {
            DecodedCall call = fixed.decode(array, offset, length, bodyIdNeeded);
            if (call != null) {
                return call; // the contract's fixed shape, read with no parser
            }
        }
        JsonParser parser;
        try {
            if (array != null) {
                parser = mapper.getFactory().createParser(array, offset, length);
            } else {
                parser = mapper.getFactory().createParser((java.io.InputStream) new ByteBufInputStream(body));
            }
        } catch (IOException e) {
            throw new NotACallException(e.getMessage(), e);
        }
        try (JsonParser p = parser) {
            return decode(p, bodyIdNeeded);
        } catch (NotACallException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new NotACallException(e.getMessage(), e);
        }
    }

    private DecodedCall decode(JsonParser p, boolean bodyIdNeeded) throws IOException, NotACallException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new NotACallException("expected a JSON object, got " + p.currentToken(), null);
        }
        String requestId = null;
        String className = null;
        String methodName = null;
        List<String> types = null;
        ServiceTable.Binding binding = null;
        ServiceTable.UnknownTargetException unknown = null;
        boolean resolved = false;
        Object[] args = null;
        RuntimeException argumentError = null;
        JsonNode rawParameters = null;
        boolean sawParameters = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "requestId":
                    if (bodyIdNeeded) {
                        requestId = scalar(p, t, field);
                    } else {
                        requireScalar(p, t, field);
                    }
                    break;
                case "className":
                    className = scalar(p, t, field);
                    break;
                case "methodName":
                    methodName = scalar(p, t, field);
                    break;
                case "parameterTypes":
                    types = strings(p, t);
                    break;
                case "parameters":
                    sawParameters = true;
                    if (t == JsonToken.START_ARRAY && className != null && methodName != null && types != null) {
                        resolved = true;
                        try {
                            binding = services.bind(className, methodName, types, providerName);
                        } catch (ServiceTable.UnknownTargetException e) {
                            unknown = e;
                        }
                        if (binding != null) {
                            Bound b = bindArray(p, binding);
                            args = b.args;
                            argumentError = b.error;
                        } else {
                            p.skipChildren();
                        }
                    } else if (t == JsonToken.VALUE_NULL) {
                        rawParameters = null;
                    } else {
                        rawParameters = mapper.readTree(p);
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (types == null) {
            types = List.of();
        }
        if (!resolved) {
            try {
                binding = services.bind(className, methodName, types, providerName);
            } catch (ServiceTable.UnknownTargetException e) {
                unknown = e;
            }
            if (binding != null) {
                try {
                    args = ServiceTable.decodeArguments(binding, sawParameters ? rawParameters : null, mapper);
                } catch (IllegalArgumentException e) {
                    argumentError = e;
                }
            }
        }
        return new DecodedCall(requestId, className, methodName, types, binding, unknown, args, argumentError);
    }

    private record Bound(Object[] args, RuntimeException error) {
    }

    /** Binds the array the parser is on, element by element, to the method's parameter types. */
    private Bound bindArray(JsonParser p, ServiceTable.Binding binding) throws IOException {
        int arity = binding.arity();
        Object[] args = new Object[arity];
        int depth = p.getParsingContext().getNestingDepth();
        int given = 0;
        RuntimeException error = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonParseException(p, "the parameters array is not closed");
            }
            int i = given++;
            if (error != null || i >= arity) {
                p.skipChildren();
                continue;
            }
            try {
                // A string for a String parameter is its text, as Jackson's own String binding gives it.
                Object value = t == JsonToken.VALUE_NULL ? null
                        : t == JsonToken.VALUE_STRING && binding.isString(i) ? p.getText()
                        : binding.reader(i, mapper).readValue(p);
                args[i] = value == null ? ServiceTable.nullValue(binding.javaType(i, mapper)) : value;
            } catch (JsonParseException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                error = ServiceTable.badArgument(binding, i, mapper, e);
                skipToEndOfElement(p, depth);
            }
        }
        if (error == null && given != arity) {
            error = new IllegalArgumentException(binding.method.getDeclaringClass().getSimpleName() + "#"
                    + binding.method.getName() + " takes " + arity + " arguments, the call has " + given);
        }
        return new Bound(error == null ? args : null, error);
    }

    /** After a failed bind inside element of the array at {@code depth}: moves to that element's last token. */
    private static void skipToEndOfElement(JsonParser p, int depth) throws IOException {
        JsonToken t = p.currentToken();
        if (t != null && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)
                && p.getParsingContext().getNestingDepth() == depth + 1) {
            p.skipChildren();
            return;
        }
        while (p.getParsingContext().getNestingDepth() > depth) {
            t = p.nextToken();
            if (t == null) {
                throw new JsonParseException(p, "the parameters array is not closed");
            }
            if ((t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY)
                    && p.getParsingContext().getNestingDepth() == depth) {
                return;
            }
        }
    }

    private static String scalar(JsonParser p, JsonToken t, String field) throws NotACallException, IOException {
        requireScalar(p, t, field);
        return t == JsonToken.VALUE_NULL ? null : p.getValueAsString();
    }

    private static void requireScalar(JsonParser p, JsonToken t, String field) throws NotACallException {
        if (t != JsonToken.VALUE_NULL && !t.isScalarValue()) {
            throw new NotACallException("\"" + field + "\" must be a string, got " + t, null);
        }
    }

    private static List<String> strings(JsonParser p, JsonToken t) throws NotACallException, IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new NotACallException("\"parameterTypes\" must be an array of strings, got " + t, null);
        }
        List<String> list = new ArrayList<>(4);
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null || !t.isScalarValue()) {
                throw new NotACallException("\"parameterTypes\" must be an array of strings, got " + t, null);
            }
            list.add(p.getValueAsString());
        }
        return list;
    }
}
