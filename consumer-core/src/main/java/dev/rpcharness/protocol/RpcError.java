package dev.rpcharness.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The provider's exception as carried in a result's {@code error} field.
 *
 * @param type    fully qualified name of the exception's class on the provider
 * @param message its message, possibly null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RpcError(String type, String message) {

    public static RpcError of(Throwable t) {
        return new RpcError(t.getClass().getName(), t.getMessage());
    }
}
