package dev.rpcharness.consumer.codec;

import dev.rpcharness.consumer.proxy.MethodMetadata;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Builds the HTTP request of a call (docs/wire-contract.md, "Call"): {@code POST /rpc} with the JSON body
 * {@code {"requestId":"<id>",<method's constant tail><encoded arguments>}}. The constant parts are cached per
 * method in {@link MethodMetadata}, so only the id and the arguments vary per call. Stateless after
 * construction; called on the connection's event loop.
 */
public final class RequestEncoder {

    private static final byte[] BODY_HEAD = "{\"requestId\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final AsciiString REQUEST_ID = AsciiString.cached(WireContract.REQUEST_ID_HEADER);
    private static final AsciiString TIMEOUT = AsciiString.cached(WireContract.TIMEOUT_HEADER);
    private static final AsciiString JSON = AsciiString.cached(WireContract.CONTENT_TYPE);

    private final AsciiString host;

    /** @param hostHeader the {@code Host} header value, "host:port" of the provider */
    public RequestEncoder(String hostHeader) {
        this.host = new AsciiString(hostHeader);
    }

    /**
     * @return a request owning a freshly allocated body buffer; ownership passes to the caller (the pipeline)
     */
    public FullHttpRequest encode(ByteBufAllocator alloc, long requestId, MethodMetadata method, byte[] arguments,
                                  long timeoutMillis) {
        String id = Long.toString(requestId);
        byte[] tail = method.bodyTail();
        int length = BODY_HEAD.length + id.length() + 1 + tail.length + arguments.length + 1;
        ByteBuf body = alloc.buffer(length);
        body.writeBytes(BODY_HEAD);
        body.writeCharSequence(id, StandardCharsets.US_ASCII);
        body.writeByte('"');
        body.writeBytes(tail);
        body.writeBytes(arguments);
        body.writeByte('}');
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                WireContract.CALL_PATH, body, false);
        HttpHeaders headers = request.headers();
        headers.set(HttpHeaderNames.HOST, host);
        headers.set(HttpHeaderNames.CONTENT_TYPE, JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        headers.set(REQUEST_ID, id);
        headers.set(TIMEOUT, Long.toString(timeoutMillis));
        return request;
    }
}
