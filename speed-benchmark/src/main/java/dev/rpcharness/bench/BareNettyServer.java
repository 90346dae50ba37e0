package dev.rpcharness.bench;

import dev.rpcharness.protocol.WireContract;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stack A's server, a reference beside the floor ({@link FloorServer}): a bare Netty HTTP/1.1 server on loopback,
 * on Netty's HTTP codecs, that answers every {@code POST /rpc} with the contract's answer for its request id ({@code {"requestId":"<id>","result":"ping"}}) without decoding the body,
 * and flushes once per read batch. Serves pipelined calls in order.
 *
 * <p>Threading: one event loop of its own ({@code bench-server-*}); {@link #close} stops it.
 */
final class BareNettyServer implements AutoCloseable {

    private static final AsciiString JSON = AsciiString.cached(WireContract.CONTENT_TYPE);
    private static final AsciiString ID_HEADER = AsciiString.cached(WireContract.REQUEST_ID_HEADER);

    private final EventLoopGroup group = BenchTransport.group("bench-server", 1);
    private final Channel channel;

    BareNettyServer() {
        channel = new ServerBootstrap().group(group).channel(BenchTransport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Answerer());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        BenchTransport.shutdown(group);
    }

    /** Answers each request at its last content; flushes at the end of the read batch. */
    private static final class Answerer extends ChannelInboundHandlerAdapter {
        private String id;
        private boolean written;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest req) {
                    id = req.headers().get(ID_HEADER);
                }
                if (msg instanceof LastHttpContent) {
                    ByteBuf body = ctx.alloc().buffer(48);
                    body.writeCharSequence("{\"requestId\":\"", StandardCharsets.US_ASCII);
                    body.writeCharSequence(id == null ? "" : id, StandardCharsets.UTF_8);
                    body.writeCharSequence("\",\"result\":\"ping\"}", StandardCharsets.US_ASCII);
                    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            body);
                    res.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON)
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                    if (id != null) {
                        res.headers().set(ID_HEADER, id);
                    }
                    ctx.write(res, ctx.voidPromise());
                    written = true;
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (written) {
                written = false;
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
