package dev.rpcharness.consumer.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.rpcharness.consumer.proxy.MethodMetadata;
import dev.rpcharness.protocol.RpcError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the JSON body of a result (PROTOCOL.md "Result") straight from the response buffer: {@code result} is
 * decoded into the method's generic return type, {@code error} into an {@link RpcError}; other fields are
 * skipped. Thread-safe; used on the event loops.
 */
public final class ResponseDecoder {

    private final JsonFactory factory;
    private final ObjectMapper mapper;
    private final ObjectReader errorReader;

    public ResponseDecoder(ObjectMapper mapper) {
        this.mapper = mapper;
        this.factory = mapper.getFactory();
        this.errorReader = mapper.readerFor(RpcError.class);
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
     * Decodes a result body for {@code method}. Leaves the buffer's reader index alone.
     *
     * @throws MalformedBodyException  when the body is not a JSON object
     * @throws ResultMismatchException when {@code result} does not decode into the return type
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
            boolean hasResult = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("result".equals(field) && !method.returnsVoid()) {
                    hasResult = value != JsonToken.VALUE_NULL;
                    result = hasResult ? readResult(method.resultReader(), parser, method) : null;
                } else if ("error".equals(field) && value != JsonToken.VALUE_NULL) {
                    if (value != JsonToken.START_OBJECT) {
                        throw new MalformedBodyException("\"error\" is not an object");
                    }
                    error = errorReader.readValue(parser);
                    if (error.type() == null || error.type().isBlank()) {
                        throw new MalformedBodyException("\"error\" has no \"type\"");
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new MalformedBodyException("body ends before its JSON object closes");
            }
            if (error == null && !hasResult && method.returnsPrimitive()) {
                throw new ResultMismatchException("no result for primitive return type "
                        + method.method().getReturnType().getName());
            }
            return new Outcome(result, error);
        } catch (JsonProcessingException e) {
            throw new MalformedBodyException("body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedBodyException("body cannot be read: " + e.getMessage());
        }
    }

    private static Object readResult(ObjectReader reader, JsonParser parser, MethodMetadata method)
            throws IOException, ResultMismatchException {
        try {
            return reader.readValue(parser);
        } catch (DatabindException e) {
            throw new ResultMismatchException("result does not decode as " + method.resultType() + ": "
                    + e.getOriginalMessage());
        }
    }

    /**
     * The {@code requestId} of a body, for responses that lack the header.
     *
     * @return the id, or null when the body has none
     * @throws MalformedBodyException when the body is not a JSON object
     */
    public String bodyRequestId(ByteBuf content) throws MalformedBodyException {
        try {
            JsonNode tree = mapper.readTree((InputStream) new ByteBufInputStream(content.duplicate()));
            if (tree == null || !tree.isObject()) {
                throw new MalformedBodyException("body is not a JSON object");
            }
            JsonNode id = tree.get("requestId");
            return id == null || id.isNull() ? null : id.asText();
        } catch (IOException e) {
            throw new MalformedBodyException("body is not valid JSON: " + e.getMessage());
        }
    }
}
