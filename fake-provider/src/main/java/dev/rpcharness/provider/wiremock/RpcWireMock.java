package dev.rpcharness.provider.wiremock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.responsetemplating.ResponseTemplateTransformer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import dev.rpcharness.protocol.RpcError;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;

/**
 * WireMock DSL for the RPC wire contract (docs/wire-contract.md), to import statically next to WireMock's own:
 * <pre>{@code
 * provider.stubFor(rpcMethod(HelloService.class, "hello").willReturn(rpcResult("hi")));
 * provider.stubFor(rpcMethod(HelloService.class, "fail")
 *         .willReturn(rpcError("java.lang.IllegalStateException", "boom")));
 * provider.stubFor(rpcMethod(HelloService.class, "slow").willReturn(rpcResult("late").withFixedDelay(200)));
 * provider.stubFor(rpcMethod(HelloService.class, "dead")
 *         .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
 * provider.verify(2, rpcCalls(HelloService.class, "hello"));
 * }</pre>
 * Answers echo the call's request id in the {@code X-Rpc-Request-Id} header and the body's {@code requestId}
 * through WireMock's response templating, so every answer correlates with its call; all of WireMock's delays and
 * faults chain on the returned builders as usual. Stateless; every method builds a new object.
 */
public final class RpcWireMock {

    /** Handlebars expression of the call's request id, taken from the request body. */
    public static final String REQUEST_ID_TEMPLATE = "{{jsonPath request.body '$.requestId'}}";
    /** Handlebars expression of the call's request id, taken from the request header. */
    public static final String REQUEST_ID_HEADER_TEMPLATE =
            "{{request.headers.[" + WireContract.REQUEST_ID_HEADER + "]}}";

    private RpcWireMock() {
    }

    /** Matches calls of {@code methodName} on {@code serviceInterface} (any arguments). */
    public static MappingBuilder rpcMethod(Class<?> serviceInterface, String methodName) {
        return post(urlPathEqualTo(WireContract.CALL_PATH))
                .withRequestBody(matchingJsonPath("$.className", equalTo(serviceInterface.getName())))
                .withRequestBody(matchingJsonPath("$.methodName", equalTo(methodName)));
    }

    /** Matches calls of any method on {@code serviceInterface}. */
    public static MappingBuilder rpcService(Class<?> serviceInterface) {
        return post(urlPathEqualTo(WireContract.CALL_PATH))
                .withRequestBody(matchingJsonPath("$.className", equalTo(serviceInterface.getName())));
    }

    /** Matches every RPC call. */
    public static MappingBuilder anyRpcCall() {
        return post(urlPathEqualTo(WireContract.CALL_PATH));
    }

    /**
     * A request-body pattern on argument {@code index} of the call, for
     * {@code rpcMethod(...).withRequestBody(rpcArgument(0, equalTo("world")))}.
     */
    public static StringValuePattern rpcArgument(int index, StringValuePattern valuePattern) {
        return matchingJsonPath("$.parameters[" + index + "]", valuePattern);
    }

    /** The recorded calls of {@code methodName}, for {@code verify(n, rpcCalls(...))} and {@code findAll}. */
    public static RequestPatternBuilder rpcCalls(Class<?> serviceInterface, String methodName) {
        return postRequestedFor(urlPathEqualTo(WireContract.CALL_PATH))
                .withRequestBody(matchingJsonPath("$.className", equalTo(serviceInterface.getName())))
                .withRequestBody(matchingJsonPath("$.methodName", equalTo(methodName)));
    }

    /** A successful answer whose {@code result} is {@code value} encoded by plain JSON data binding. */
    public static ResponseDefinitionBuilder rpcResult(Object value) {
        ObjectMapper mapper = RpcJson.newMapper();
        ObjectNode body = mapper.createObjectNode();
        body.put("requestId", "@@ID@@");
        body.set("result", mapper.valueToTree(value));
        return rpcAnswer(mapper, body);
    }

    /** An answer of a void method: {@code {"requestId":"..."}}. */
    public static ResponseDefinitionBuilder rpcVoid() {
        ObjectMapper mapper = RpcJson.newMapper();
        ObjectNode body = mapper.createObjectNode();
        body.put("requestId", "@@ID@@");
        return rpcAnswer(mapper, body);
    }

    /** An answer saying the provider's method threw {@code remoteType} with {@code message}. */
    public static ResponseDefinitionBuilder rpcError(String remoteType, String message) {
        ObjectMapper mapper = RpcJson.newMapper();
        ObjectNode body = mapper.createObjectNode();
        body.put("requestId", "@@ID@@");
        body.set("error", mapper.valueToTree(new RpcError(remoteType, message)));
        return rpcAnswer(mapper, body);
    }

    /** An answer with a non-2xx {@code status} that still carries the request id header (the call fails alone). */
    public static ResponseDefinitionBuilder rpcStatus(int status) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "text/plain")
                .withHeader(WireContract.REQUEST_ID_HEADER, REQUEST_ID_HEADER_TEMPLATE)
                .withBody("status " + status)
                .withTransformers(ResponseTemplateTransformer.NAME);
    }

    private static ResponseDefinitionBuilder rpcAnswer(ObjectMapper mapper, ObjectNode body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", WireContract.CONTENT_TYPE)
                .withHeader(WireContract.REQUEST_ID_HEADER, REQUEST_ID_HEADER_TEMPLATE)
                .withBody(templateSafe(mapper, body).replace("\"@@ID@@\"", "\"" + REQUEST_ID_TEMPLATE + "\""))
                .withTransformers(ResponseTemplateTransformer.NAME);
    }

    /**
     * Encodes the body so that Handlebars leaves it alone: {@code {{} can only occur inside JSON strings, where
     * {@code \u007b} means the same brace.
     */
    private static String templateSafe(ObjectMapper mapper, ObjectNode body) {
        try {
            return mapper.writeValueAsString(body).replace("{{", "{\\u007b");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode RPC answer " + body, e);
        }
    }
}
