package dev.rpcharness.consumer.internal.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.protocol.RpcError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the JSON body of a result (docs/wire-contract.md, "Result") straight from the response buffer: {@code result} is
 * decoded into the method's generic return type, {@code error} into an {@link RpcError}; other fields are
 * skipped. A plain string result ({@link PlainResultBody}) is read without the parser. Thread-safe; used on the event
 * loops.
 */
public final class ResponseDecoder {

    private final JsonFactory factory;
    private final ObjectReader errorReader;
    private final ObjectReader idReader;

    public ResponseDecoder(ObjectMapper mapper) {
        this.factory = mapper.getFactory();
        this.errorReader = mapper.readerFor(RpcError.class);
        this.idReader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** What a result body said. */
    public record Outcome(Object result, RpcError error) {
    }

    /** The body is not the JSON object the contract promises: the response cannot be trusted or correlated. */
    public static final class MalformedBodyException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedBodyException(String message) {
            super(message, null, false, false);
        }
    }

    /** The body is well-formed, but its result does not fit the method's return type. */
    public static final class ResultMismatchException extends Exception {
        private static final long serialVersionUID = 1L;

        ResultMismatchException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Decodes a result body for {@code method}. Leaves the buffer's reader index alone. The whole body is read
     * before it is judged, so a result that does not fit is told apart from a body that is not one JSON object:
     * only the latter makes the connection untrustworthy.
     *
     * @throws MalformedBodyException  when the body is not exactly one JSON object (also: content after it, an
     *                                 {@code error} that is not {@code {"type":...,"message":...}}, nesting or
     *                                 numbers past the parser's limits)
     * @throws ResultMismatchException when the body is well-formed but {@code result} does not decode into the
     *                                 return type (wrong shape, or a number out of the type's range), or a
     *                                 primitive return type gets no result; an {@code error} takes precedence
     */
    public Outcome decode(ByteBuf content, MethodMetadata method)
            throws MalformedBodyException, ResultMismatchException {
        if (content.hasArray()) {
            return decode(content.array(), content.arrayOffset() + content.readerIndex(), content.readableBytes(),
                    method);
        }
        try {
            return decode(factory.createParser((InputStream) new ByteBufInputStream(content.duplicate())), method);
        } catch (IOException e) {
            throw new MalformedBodyException("body cannot be read: " + e.getMessage());
        }
    }

    /**
     * Decodes a result body held in {@code body[offset, offset + length)} for {@code method}; the array is not
     * kept, so the caller may reuse it.
     *
     * @throws MalformedBodyException  when the body is not a JSON object
     * @throws ResultMismatchException when {@code result} does not decode into the return type
     */
    public Outcome decode(byte[] body, int offset, int length, MethodMetadata method)
            throws MalformedBodyException, ResultMismatchException {
        if (method.returnsString()) {
            String plain = PlainResultBody.result(body, offset, length);
            if (plain != null) {
                return new Outcome(plain, null);
            }
        }
        try {
            return decode(factory.createParser(body, offset, length), method);
        } catch (IOException e) {
            throw new MalformedBodyException("body cannot be read: " + e.getMessage());
        }
    }

    private Outcome decode(JsonParser created, MethodMetadata method)
            throws MalformedBodyException, ResultMismatchException {
        try (JsonParser parser = created) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedBodyException("body is not a JSON object");
            }
            Object result = null;
            RpcError error = null;
            String mismatch = null;
            boolean hasResult = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("result".equals(field) && !method.returnsVoid()) {
                    hasResult = value != JsonToken.VALUE_NULL;
                    result = null;
                    mismatch = null;
                    if (hasResult) {
                        JsonStreamContext fieldContext = value.isStructStart()
                                ? parser.getParsingContext().getParent() : parser.getParsingContext();
                        try {
                            result = method.resultReader().readValue(parser);
                        } catch (DatabindException | InputCoercionException e) {
                            mismatch = "result does not decode as " + method.resultType() + ": "
                                    + e.getOriginalMessage();
                            skipToContext(parser, fieldContext);
                        }
                    }
                } else if ("error".equals(field) && value != JsonToken.VALUE_NULL) {
                    error = readError(parser, value);
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new MalformedBodyException("body ends before its JSON object closes");
            }
            if (parser.nextToken() != null) {
                throw new MalformedBodyException("content after the body's JSON object");
            }
            if (error != null) {
                return new Outcome(null, error);
            }
            if (mismatch != null) {
                throw new ResultMismatchException(mismatch);
            }
            if (!hasResult && method.returnsPrimitive()) {
                throw new ResultMismatchException("no result for primitive return type "
                        + method.method().getReturnType().getName());
            }
            return new Outcome(result, null);
        } catch (JsonProcessingException e) {
            throw new MalformedBodyException("body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedBodyException("body cannot be read: " + e.getMessage());
        }
    }

    private RpcError readError(JsonParser parser, JsonToken value) throws IOException, MalformedBodyException {
        if (value != JsonToken.START_OBJECT) {
            throw new MalformedBodyException("\"error\" is not an object");
        }
        RpcError error;
        try {
            error = errorReader.readValue(parser);
        } catch (DatabindException | InputCoercionException e) {
            throw new MalformedBodyException("\"error\" is not {\"type\":...,\"message\":...}: "
                    + e.getOriginalMessage());
        }
        if (error.type() == null || error.type().isBlank()) {
            throw new MalformedBodyException("\"error\" has no \"type\"");
        }
        return error;
    }

    /**
     * After a result failed to bind somewhere inside its value, reads on to the end of that value (back in the
     * body object's context), so the rest of the body is still checked for well-formedness.
     */
    private static void skipToContext(JsonParser parser, JsonStreamContext fieldContext)
            throws IOException, MalformedBodyException {
        while (parser.getParsingContext() != fieldContext) {
            if (parser.nextToken() == null) {
                throw new MalformedBodyException("body ends inside \"result\"");
            }
        }
    }

    /**
     * The {@code requestId} of a body, for responses that lack the header.
     *
     * @return the id, or null when the body has none
     * @throws MalformedBodyException when the body is not exactly one JSON object, or its {@code requestId} is
     *                                neither a string nor an integer
     */
    public String bodyRequestId(ByteBuf content) throws MalformedBodyException {
        try {
            JsonNode tree = idReader.readTree((InputStream) new ByteBufInputStream(content.duplicate()));
            if (tree == null || !tree.isObject()) {
                throw new MalformedBodyException("body is not a JSON object");
            }
            JsonNode id = tree.get("requestId");
            if (id == null || id.isNull()) {
                return null;
            }
            if (!id.isTextual() && !id.isIntegralNumber()) {
                throw new MalformedBodyException("\"requestId\" is neither a string nor an integer");
            }
            return id.asText();
        } catch (IOException e) {
            throw new MalformedBodyException("body is not valid JSON: " + e.getMessage());
        }
    }
}
