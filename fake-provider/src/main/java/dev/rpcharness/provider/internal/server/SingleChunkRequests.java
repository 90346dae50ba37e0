package dev.rpcharness.provider.internal.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Sits before the {@code HttpObjectAggregator} and joins the common request, a head with a Content-Length within
 * the limit followed by its whole body in one last content, into a {@code FullHttpRequest} at once (the
 * aggregator passes a full request through), without the aggregator's composite buffer and header copy. Every
 * other request (chunked, expecting 100-continue, too large, malformed, a body in several contents) goes to the
 * aggregator exactly as it arrived, which handles it as before.
 *
 * <p>Threading: one instance per connection, on its event loop.
 */
final class SingleChunkRequests extends ChannelInboundHandlerAdapter {

    private final long maxBodyBytes;
    private HttpRequest held;
    private long heldLength;

    SingleChunkRequests(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        HttpRequest head = held;
        if (head == null) {
            if (msg instanceof HttpRequest req && !(msg instanceof FullHttpRequest) && simple(req)) {
                held = req;
                heldLength = HttpUtil.getContentLength(req, -1L);
            } else {
                ctx.fireChannelRead(msg);
            }
            return;
        }
        held = null;
        if (msg instanceof LastHttpContent last && last.decoderResult().isSuccess()
                && last.trailingHeaders().isEmpty()
                && last.content().readableBytes() == heldLength) {
            ctx.fireChannelRead(new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                    last.content(), head.headers(), last.trailingHeaders()));
            return;
        }
        ctx.fireChannelRead(head);
        ctx.fireChannelRead(msg);
    }

    private boolean simple(HttpRequest req) {
        if (!req.decoderResult().isSuccess() || HttpUtil.is100ContinueExpected(req)
                || HttpUtil.isTransferEncodingChunked(req)) {
            return false;
        }
        long length = HttpUtil.getContentLength(req, -1L);
        return length >= 0 && length <= maxBodyBytes;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held = null; // a head whose body never came: nothing to answer, nothing reference-counted to release
        ctx.fireChannelInactive();
    }
}
