package dev.rpcharness.bench;

import dev.rpcharness.provider.demo.EchoService;
import java.nio.charset.StandardCharsets;

/**
 * The one call every stack of the speed benchmark makes: {@code EchoService#echo("ping")}, about 150 bytes of
 * request body and 35 bytes of answer body on the wire contract, the same bytes for the gRPC stack.
 */
final class BenchPayload {

    static final String CLASS_NAME = EchoService.class.getName();
    static final String METHOD = "echo";
    static final String ARGUMENT = "ping";

    private static final String BODY_TAIL = "\",\"className\":\"" + CLASS_NAME + "\",\"methodName\":\"" + METHOD
            + "\",\"parameterTypes\":[\"java.lang.String\"],\"parameters\":[\"" + ARGUMENT + "\"]}";

    private BenchPayload() {
    }

    /** The contract's request body for call {@code id}. */
    static byte[] request(long id) {
        return ("{\"requestId\":\"" + id + BODY_TAIL).getBytes(StandardCharsets.UTF_8);
    }

    /** The contract's answer body for call {@code id}. */
    static byte[] answer(CharSequence id) {
        return ("{\"requestId\":\"" + id + "\",\"result\":\"" + ARGUMENT + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
