package dev.rpcharness.consumer.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of a provider connection: counts the bytes received since the last complete response, so that
 * a connection that closes in the middle of a response (bytes that never became a response: garbage with no line
 * end, a cut-off status line or header) is reported as a protocol error rather than a plain connection loss.
 * Event loop only.
 */
final class ResponseProgress extends ChannelInboundHandlerAdapter {

    private long bytesSinceResponse;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
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
}
