package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.MalformedBodyException;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.Outcome;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.ResultMismatchException;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import io.netty.buffer.ByteBuf;

/**
 * Decodes the result bodies of one connection with the client's {@link ResponseDecoder}: a direct buffer's bytes
 * (up to {@link #MAX_SCRATCH}) are first copied into an array reused for the connection, so the JSON parser reads
 * an array (no stream wrapper, no read buffer of its own).
 *
 * <p>Threading: the connection's event loop only.
 */
final class BodyDecoder {

    /** Result bodies up to this size are copied into the reused array for parsing. */
    static final int MAX_SCRATCH = 64 * 1024;

    private final ResponseDecoder decoder;
    private byte[] scratch = new byte[1024];

    BodyDecoder(ResponseDecoder decoder) {
        this.decoder = decoder;
    }

    /** The request id a body carries, for a response without the header; see {@link ResponseDecoder}. */
    String requestId(ByteBuf content) throws MalformedBodyException {
        return decoder.bodyRequestId(content);
    }

    /** Decodes a result body for {@code method}; the buffer's reader index is left alone. */
    Outcome decode(ByteBuf content, MethodMetadata method) throws MalformedBodyException, ResultMismatchException {
        int n = content.readableBytes();
        if (content.hasArray() || n > MAX_SCRATCH) {
            return decoder.decode(content, method);
        }
        if (scratch.length < n) {
            scratch = new byte[Math.min(MAX_SCRATCH, Math.max(n, scratch.length * 2))];
        }
        content.getBytes(content.readerIndex(), scratch, 0, n);
        return decoder.decode(scratch, 0, n, method);
    }
}
