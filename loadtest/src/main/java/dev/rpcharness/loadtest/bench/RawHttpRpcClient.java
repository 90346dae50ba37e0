package dev.rpcharness.loadtest.bench;

import dev.rpcharness.protocol.WireContract;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The floor to compare the consumer core with: a bare Netty HTTP/1.1 client on one persistent connection that
 * POSTs pre-encoded calls of one method to one provider (pipelined) and correlates answers by the request-id
 * header. No proxy, no discovery, no futures, no JSON decoding of the result: only the wire.
 *
 * <p>Threading: {@link #send} may be called from any thread; the completion callback runs on the client's single
 * I/O thread. {@link #close()} closes the connection and stops the thread.
 */
public final class RawHttpRpcClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final String host;
    private final String bodyTail;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, LongConsumer> pending = new ConcurrentHashMap<>();

    /**
     * Connects to {@code host:port}, for calls of {@code className#methodName(parameterType)} with one JSON
     * argument.
     *
     * @throws IllegalStateException when the connection fails within 5 s
     */
    public RawHttpRpcClient(String host, int port, String className, String methodName, String parameterType,
            String jsonArgument) {
        this.host = host + ":" + port;
        this.bodyTail = "\",\"className\":\"" + className + "\",\"methodName\":\"" + methodName
                + "\",\"parameterTypes\":[\"" + parameterType + "\"],\"parameters\":[" + jsonArgument + "]}";
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("raw-http-client", true),
                NioIoHandler.newFactory());
        try {
            this.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                    new ResponseHandler());
                        }
                    })
                    .connect(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("raw HTTP client cannot connect to " + this.host, e);
        }
    }

    /**
     * Sends one call; {@code onAnswer} receives {@link System#nanoTime()} at the answer's arrival (or -1 when the
     * connection closed first).
     */
    public void send(LongConsumer onAnswer) {
        long id = ids.incrementAndGet();
        pending.put(id, onAnswer);
        byte[] body = ("{\"requestId\":\"" + id + bodyTail).getBytes(StandardCharsets.UTF_8);
        ByteBuf content = channel.alloc().buffer(body.length).writeBytes(body);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                WireContract.CALL_PATH, content);
        request.headers().set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.CONTENT_TYPE, WireContract.CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(WireContract.REQUEST_ID_HEADER, Long.toString(id));
        channel.writeAndFlush(request, channel.voidPromise());
    }

    /** Calls sent and not yet answered. */
    public int pendingCalls() {
        return pending.size();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        pending.values().forEach(c -> c.accept(-1L));
        pending.clear();
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long now = System.nanoTime();
            String id = response.headers().get(WireContract.REQUEST_ID_HEADER);
            LongConsumer c = id == null ? null : pending.remove(Long.parseLong(id));
            if (c != null) {
                c.accept(now);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pending.values().forEach(c -> c.accept(-1L));
            pending.clear();
        }
    }
}
