package dev.rpcharness.loadtest.throughput;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The reference line's server: a bare Netty HTTP/1.1 server on 127.0.0.1 that answers every {@code POST /rpc} with
 * 200 and the same small JSON result a provider sends for an echo ({@code {"requestId":"1","result":"ping"}}),
 * keep-alive, flushing once per read batch, on {@value #IO_THREADS} event loops (as many as the throughput
 * benchmark's three providers have). Anything else gets 404. Started by {@link #start()}, stopped by
 * {@link #close()}.
 */
final class JsonHttpServer implements AutoCloseable {

    /** The request body the reference line posts: an echo call as the wire contract writes it. */
    static final String REQUEST = "{\"requestId\":\"1\",\"className\":\"dev.rpcharness.provider.demo.EchoService\","
            + "\"methodName\":\"echo\",\"parameterTypes\":[\"java.lang.String\"],\"parameters\":[\"ping\"]}";
    /** What the server answers. */
    static final String RESULT = "{\"requestId\":\"1\",\"result\":\"ping\"}";

    private static final int IO_THREADS = 3;
    private static final byte[] RESULT_BYTES = RESULT.getBytes(StandardCharsets.UTF_8);

    private final EventLoopGroup group;
    private final Channel channel;

    private JsonHttpServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds a free port on 127.0.0.1. */
    static JsonHttpServer start() {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(IO_THREADS,
                new DefaultThreadFactory("json-http-server", true), NioIoHandler.newFactory());
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new Answer());
                        }
                    })
                    .bind("127.0.0.1", 0).syncUninterruptibly().channel();
            return new JsonHttpServer(group, ch);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot bind the reference HTTP server on 127.0.0.1: " + e, e);
        }
    }

    /** The port it listens on. */
    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Closes the listening socket and every connection, and stops the event loops. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers each request as it is read; one flush per read batch. */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean rpc = request.method().equals(HttpMethod.POST) && "/rpc".equals(request.uri());
            ByteBuf body = rpc ? Unpooled.wrappedBuffer(RESULT_BYTES) : Unpooled.EMPTY_BUFFER;
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    rpc ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            if (HttpUtil.isKeepAlive(request)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.write(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
