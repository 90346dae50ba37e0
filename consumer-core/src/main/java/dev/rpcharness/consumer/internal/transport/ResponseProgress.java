package dev.rpcharness.consumer.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of a provider connection: counts the bytes received since the last complete response, so that
 * a connection that closes in the middle of a response (bytes that never became a response: garbage with no line
 * end, a cut-off status line or header) is reported as a protocol error rather than a plain connection loss, and
 * notes when that partial response began, so that a response that never completes on a connection the provider
 * keeps open (no length, or less than announced) is found when a call times out behind it. The count is of whole
 * reads: bytes that follow a complete response in the same read are not counted. Event loop only.
 */
final class ResponseProgress extends ChannelInboundHandlerAdapter {

    private long bytesSinceResponse;
    private long partialSinceNanos;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            if (bytesSinceResponse == 0) {
                partialSinceNanos = System.nanoTime();
            }
            bytesSinceResponse += buf.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    /** A complete response was handled: what came before it is accounted for. */
    void responseComplete() {
        bytesSinceResponse = 0;
    }

    /** Bytes received that are not (yet) part of a complete response. */
    long bytesSinceResponse() {
        return bytesSinceResponse;
    }

    /** How long the bytes counted by {@link #bytesSinceResponse()} have waited to become a response; 0 if none. */
    long partialNanos(long nowNanos) {
        return bytesSinceResponse == 0 ? 0 : nowNanos - partialSinceNanos;
    }
}
