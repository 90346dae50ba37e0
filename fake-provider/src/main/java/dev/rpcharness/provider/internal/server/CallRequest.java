package dev.rpcharness.provider.internal.server;

import io.netty.buffer.ByteBuf;

/**
 * One {@code POST /rpc} read by {@link CallRequestDecoder}: the headers a call needs, as Netty's decoder would give
 * them (value without surrounding blanks, null when absent), and its body.
 *
 * <p>The body is a retained slice of the connection's input: whoever receives the request releases it once, on the
 * connection's event loop.
 *
 * @param requestId the {@code X-Rpc-Request-Id} header, or null
 * @param timeout   the {@code X-Rpc-Timeout-Ms} header, or null
 * @param callSeq   the {@code X-Rpc-Call-Seq} header, or null
 * @param clientId  the {@code X-Rpc-Client-Id} header, or null
 * @param deadline  the {@code X-Rpc-Deadline-Ms} header, or null
 * @param keepAlive false when the request said {@code Connection: close}
 * @param body      exactly {@code Content-Length} bytes
 */
record CallRequest(String requestId, String timeout, String callSeq, String clientId, String deadline,
                   boolean keepAlive, ByteBuf body) {
}
