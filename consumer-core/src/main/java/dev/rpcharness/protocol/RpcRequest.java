package dev.rpcharness.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A call as a provider reads it from the body of {@code POST /rpc}. The parameters stay JSON until the provider
 * knows the target method's parameter types.
 *
 * @param requestId      the caller's id, echoed on the result
 * @param className      fully qualified interface name
 * @param methodName     method name
 * @param parameterTypes parameter types as {@code Class.getName()}
 * @param parameters     a JSON array of the arguments (may be null for no arguments)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RpcRequest(String requestId, String className, String methodName, List<String> parameterTypes,
                         JsonNode parameters) {

    public RpcRequest {
        parameterTypes = parameterTypes == null ? List.of() : List.copyOf(parameterTypes);
    }

    /** "SimpleInterfaceName#method", as error messages name a method. */
    public String label() {
        String simple = className == null ? "?" : className.substring(className.lastIndexOf('.') + 1);
        return simple + "#" + methodName;
    }
}
