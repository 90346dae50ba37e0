package dev.rpcharness.bench;

import dev.rpcharness.protocol.WireContract;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bare Netty HTTP/1.1 client for the benchmark: {@code connections} persistent connections on one event loop,
 * calls pipelined round robin over them, answers correlated by the request-id header, and one flush per read
 * batch for calls sent from inside a completion. Calls sent from another thread (an open loop's sender) go to a
 * lock-free queue per connection, which one task on the event loop writes out with one flush, so a burst of them
 * costs one wake-up, not a task per write (the consumer core hands calls over the same way; the reference must
 * not be slower at it). No proxy, no futures, no JSON decoding of the result: only the wire.
 *
 * <p>Threading: {@link #send} from any thread; completions run on the client's event loop
 * ({@code bench-client-*}); {@link #close} fails the calls still pending and stops the loop.
 */
final class PipelinedHttpClient implements BenchStack {

    private static final AsciiString JSON = AsciiString.cached(WireContract.CONTENT_TYPE);
    private static final AsciiString ID_HEADER = AsciiString.cached(WireContract.REQUEST_ID_HEADER);
    private static final byte[] BODY_HEAD = "{\"requestId\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY_TAIL;

    static {
        byte[] sample = BenchPayload.request(0);
        int start = BODY_HEAD.length + 1;
        BODY_TAIL = java.util.Arrays.copyOfRange(sample, start, sample.length);
    }

    private record Pending(long intendedStartNanos, Completion done) {
    }

    private final EventLoopGroup group = BenchTransport.group("bench-client", 1);
    private final AsciiString host;
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    /** Connections written from the event loop since their last flush; event loop only. */
    private final List<Connection> dirty = new ArrayList<>();

    PipelinedHttpClient(String host, int port, int connections) {
        this.host = AsciiString.cached(host + ":" + port);
        Bootstrap b = new Bootstrap().group(group).channel(BenchTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
        try {
            for (int i = 0; i < connections; i++) {
                Connection c = new Connection();
                Channel ch = b.handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), c);
                    }
                }).connect(host, port).syncUninterruptibly().channel();
                c.channel = ch;
                this.connections.add(c);
            }
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("bench client cannot connect to " + host + ":" + port, e);
        }
    }

    @Override
    public void send(long intendedStartNanos, Completion done) {
        Connection c = connections.get(Math.floorMod(next.getAndIncrement(), connections.size()));
        long id = ids.incrementAndGet();
        c.pending.put(id, new Pending(intendedStartNanos, done));
        String idText = Long.toString(id);
        Channel ch = c.channel;
        ByteBuf body = ch.alloc().buffer(BODY_HEAD.length + idText.length() + BODY_TAIL.length);
        body.writeBytes(BODY_HEAD).writeCharSequence(idText, StandardCharsets.US_ASCII);
        body.writeBytes(BODY_TAIL);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                WireContract.CALL_PATH, body);
        req.headers().set(HttpHeaderNames.HOST, host).set(HttpHeaderNames.CONTENT_TYPE, JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes()).set(ID_HEADER, idText);
        if (!ch.eventLoop().inEventLoop()) {
            c.handOver(req);
            return;
        }
        ch.write(req, ch.voidPromise());
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    private void flushDirty() {
        for (int i = 0; i < dirty.size(); i++) {
            Connection c = dirty.get(i);
            c.dirty = false;
            c.channel.flush();
        }
        dirty.clear();
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            c.channel.close().syncUninterruptibly();
        }
        BenchTransport.shutdown(group);
        for (Connection c : connections) {
            c.failAll();
        }
    }

    /** One connection's pending calls and response reading. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        final Map<Long, Pending> pending = new ConcurrentHashMap<>();
        final Queue<FullHttpRequest> inbox = PlatformDependent.newMpscQueue();
        final AtomicBoolean drainScheduled = new AtomicBoolean();
        final Runnable drainTask = this::drain;
        Channel channel;
        boolean dirty;
        private String id;

        /** From a thread other than the event loop: queued, and one drain scheduled unless one is pending. */
        void handOver(FullHttpRequest req) {
            inbox.offer(req);
            if (drainScheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(drainTask);
            }
        }

        private void drain() {
            drainScheduled.set(false);
            FullHttpRequest req;
            boolean wrote = false;
            while ((req = inbox.poll()) != null) {
                channel.write(req, channel.voidPromise());
                wrote = true;
            }
            if (wrote) {
                channel.flush();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse res) {
                    id = res.headers().get(ID_HEADER);
                }
                if (msg instanceof LastHttpContent) {
                    Pending p = id == null ? null : pending.remove(Long.parseLong(id));
                    id = null;
                    if (p != null) {
                        p.done().done(p.intendedStartNanos(), true);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushDirty();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failAll();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        void failAll() {
            for (Long k : List.copyOf(pending.keySet())) {
                Pending p = pending.remove(k);
                if (p != null) {
                    p.done().done(p.intendedStartNanos(), false);
                }
            }
        }
    }
}
