package dev.rpcharness.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A result as it travels back: {@code {"requestId":"42","result":...}} or
 * {@code {"requestId":"42","error":{"type":...,"message":...}}}. On the consumer side {@code result} is already
 * decoded into the method's return type.
 *
 * @param requestId the id of the call this answers
 * @param result    the return value (null for void or a null result)
 * @param error     the provider's exception, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RpcResponse(String requestId, Object result, RpcError error) {

    public static RpcResponse success(String requestId, Object result) {
        return new RpcResponse(requestId, result, null);
    }

    public static RpcResponse failure(String requestId, RpcError error) {
        return new RpcResponse(requestId, null, error);
    }

    /** Whether this answers with the provider's exception. */
    @JsonIgnore
    public boolean failed() {
        return error != null;
    }
}
