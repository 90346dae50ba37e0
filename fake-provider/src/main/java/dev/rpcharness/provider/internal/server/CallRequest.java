package dev.rpcharness.provider.internal.server;

import io.netty.buffer.ByteBuf;

/**
 * One {@code POST /rpc} read by {@link CallRequestDecoder}: the headers a call needs, as Netty's decoder would give
 * them (value without surrounding blanks, null when absent; the numbers read as {@link CallHeaders} reads them, 0
 * when absent or not a positive number), and its body.
 *
 * <p>The body is a retained slice of the connection's input: whoever receives the request releases it once, on the
 * connection's event loop.
 *
 * @param requestId the {@code X-Rpc-Request-Id} header, or null
 * @param budgetNanos    the {@code X-Rpc-Timeout-Ms} header in nanoseconds, or 0
 * @param callSeq        the {@code X-Rpc-Call-Seq} header, or 0
 * @param clientId       the {@code X-Rpc-Client-Id} header, or null
 * @param deadlineMillis the {@code X-Rpc-Deadline-Ms} header, or 0
 * @param keepAlive false when the request said {@code Connection: close}
 * @param body      exactly {@code Content-Length} bytes
 */
record CallRequest(String requestId, long budgetNanos, long callSeq, String clientId, long deadlineMillis,
                   boolean keepAlive, ByteBuf body) {
}
