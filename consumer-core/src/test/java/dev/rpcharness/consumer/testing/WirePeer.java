package dev.rpcharness.consumer.testing;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.protocol.RpcError;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.RpcRequest;
import dev.rpcharness.protocol.RpcResponse;
import dev.rpcharness.protocol.WireContract;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scripted wire-level peer for the consumer's own tests: a Netty HTTP server on loopback that reads each call
 * and hands it to the current {@link Script}, which answers exactly the bytes a test needs (a result, an error,
 * a status, raw bytes, a reset, silence). By default it invokes a Java implementation of the interface.
 *
 * <p>Calls are answered independently, on a small pool, so a slow answer never delays the others. Threading:
 * scripts run on that pool; {@link #script} may be swapped at any time. Lifecycle: {@link #start()} binds
 * (again on the same port after {@link #stop()}), {@link #close()} releases everything.
 */
public final class WirePeer implements AutoCloseable {

    /** Decides how one call is answered. */
    @FunctionalInterface
    public interface Script {
        void answer(Exchange exchange) throws Exception;
    }

    private final Object implementation;
    private final ObjectMapper mapper = RpcJson.newMapper();
    private final MultiThreadIoEventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicReference<Script> script = new AtomicReference<>(Exchange::invoke);
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile int port;
    private Channel server;

    public WirePeer(Object implementation) {
        this(implementation, 0);
    }

    /** A peer that will listen on {@code port} (0 picks a free one). */
    public WirePeer(Object implementation, int port) {
        this.implementation = implementation;
        this.port = port;
    }

    public WirePeer start() {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpRequestDecoder(), new HttpResponseEncoder(), new HttpObjectAggregator(1 << 20),
                                new CallReader());
                    }
                });
        server = bootstrap.bind("127.0.0.1", port).syncUninterruptibly().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        return this;
    }

    /** Stops listening and closes every connection (FIN), keeping the port for a later {@link #start()}. */
    public void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
            server = null;
        }
        channels.close().syncUninterruptibly();
    }

    public WirePeer script(Script next) {
        script.set(next);
        return this;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Calls received since start. */
    public int received() {
        return received.get();
    }

    /** Connections accepted since start. */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return channels.size();
    }

    @Override
    public void close() {
        stop();
        workers.shutdownNow();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private final class CallReader extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) throws Exception {
            received.incrementAndGet();
            RpcRequest request = mapper.readValue(http.content().toString(StandardCharsets.UTF_8), RpcRequest.class);
            String headerId = http.headers().get(WireContract.REQUEST_ID_HEADER);
            Exchange exchange = new Exchange(ctx.channel(), request, headerId,
                    http.headers().get(WireContract.TIMEOUT_HEADER), http.headers().get(WireContract.CALL_SEQ_HEADER));
            exchange.attemptHeader = http.headers().get(WireContract.ATTEMPT_HEADER);
            Script current = script.get();
            workers.execute(() -> {
                try {
                    current.answer(exchange);
                } catch (Exception e) {
                    exchange.error(e);
                }
            });
        }
    }

    /** One call and the ways to answer it. Thread-safe for a single answer. */
    public final class Exchange {
        private final Channel channel;
        private final RpcRequest request;
        private final String headerId;
        private final String timeoutHeader;
        private final String callSeqHeader;
        private volatile String attemptHeader;

        Exchange(Channel channel, RpcRequest request, String headerId, String timeoutHeader, String callSeqHeader) {
            this.channel = channel;
            this.request = request;
            this.headerId = headerId;
            this.timeoutHeader = timeoutHeader;
            this.callSeqHeader = callSeqHeader;
        }

        /** The call's optional {@code X-Rpc-Call-Seq} header, or null. */
        public String callSeqHeader() {
            return callSeqHeader;
        }

        /** The call's optional {@code X-Rpc-Attempt} header (attempts of a call with a policy), or null. */
        public String attemptHeader() {
            return attemptHeader;
        }

        /** The call's {@code X-Rpc-Timeout-Ms} header. */
        public String timeoutHeader() {
            return timeoutHeader;
        }

        public RpcRequest request() {
            return request;
        }

        public String id() {
            return headerId;
        }

        public String method() {
            return request.methodName();
        }

        /** Invokes the implementation and answers with its result or exception. */
        public void invoke() throws Exception {
            Method target = null;
            for (Method m : implementation.getClass().getMethods()) {
                if (m.getName().equals(request.methodName())
                        && m.getParameterCount() == request.parameterTypes().size()) {
                    target = m;
                }
            }
            if (target == null) {
                error(new NoSuchMethodException(request.label()));
                return;
            }
            Type[] types = target.getGenericParameterTypes();
            Object[] args = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                JavaType type = mapper.constructType(types[i]);
                args[i] = mapper.convertValue(request.parameters().get(i), type);
            }
            try {
                result(target.invoke(implementation, args));
            } catch (InvocationTargetException e) {
                error(e.getCause());
            }
        }

        public void result(Object value) throws Exception {
            json(HttpResponseStatus.OK, headerId, mapper.writeValueAsBytes(RpcResponse.success(headerId, value)));
        }

        public void error(Throwable t) {
            try {
                json(HttpResponseStatus.OK, headerId,
                        mapper.writeValueAsBytes(RpcResponse.failure(headerId, RpcError.of(t))));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Answers with the given status, header id and body. A null id leaves the header out. */
        public void json(HttpResponseStatus status, String id, byte[] body) {
            json(status, id, body, null, null);
        }

        /** As {@link #json(HttpResponseStatus, String, byte[])}, plus one more header (none when its name is null). */
        public void json(HttpResponseStatus status, String id, byte[] body, String header, String value) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, WireContract.CONTENT_TYPE);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (id != null) {
                response.headers().set(WireContract.REQUEST_ID_HEADER, id);
            }
            if (header != null) {
                response.headers().set(header, value);
            }
            channel.writeAndFlush(response);
        }

        /** Writes raw bytes past the HTTP encoder (garbage, truncated or hand-made responses). */
        public void raw(String bytes) {
            ByteBuf buf = Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1);
            channel.eventLoop().execute(() -> {
                channel.pipeline().firstContext().writeAndFlush(buf);
            });
        }

        /** Writes raw bytes, then closes (FIN) once they are flushed: a response cut off by the close. */
        public void rawThenClose(String bytes) {
            ByteBuf buf = Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1);
            channel.eventLoop().execute(() -> channel.pipeline().firstContext().writeAndFlush(buf)
                    .addListener(ChannelFutureListener.CLOSE));
        }

        /** Resets the connection (RST). */
        public void reset() {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }

        /** Closes the connection (FIN) without answering. */
        public void close() {
            channel.close();
        }
    }
}
