package dev.rpcharness.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Builds the Jackson mapper both sides of the wire use: plain data binding, no polymorphic type ids, unknown
 * fields ignored. Each owner (a client, a provider) makes its own; nothing is shared JVM-wide.
 */
public final class RpcJson {

    private RpcJson() {
    }

    /** A new mapper configured for the wire contract. Thread-safe once returned; callers keep and reuse it. */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .findAndRegisterModules()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, true);
    }
}
