package dev.rpcharness.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server on loopback that reads calls and never answers them: it frames each request of the wire contract
 * ({@link FloorFrame}), counts it and drops its bytes, so a client's calls stay in flight for as long as the
 * client lets them while the socket never backs up. {@link InFlightCapacity} uses the count to know that every
 * call it sent has left the client's queues (written to the socket) before it measures the heap.
 *
 * <p>Threading: one event loop of its own ({@code bench-hold-server-*}); {@link #received} may be read from any
 * thread. Lifecycle: listening once built; {@link #close} closes the listening socket and the connections and
 * stops the loop.
 */
final class HoldServer implements AutoCloseable {

    /** The prefix of the server's thread names. */
    static final String THREADS = "bench-hold-server";

    private final EventLoopGroup group = BenchTransport.group(THREADS, 1);
    private final AtomicLong received = new AtomicLong();
    private final Channel channel;

    HoldServer() {
        channel = new ServerBootstrap().group(group).channel(BenchTransport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Counter("hold server connection from " + ch.remoteAddress()));
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Whole requests read so far, over all connections. */
    long received() {
        return received.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        BenchTransport.shutdown(group);
    }

    /** One connection: gathers bytes, counts every whole request in them and drops it. */
    private final class Counter extends ChannelInboundHandlerAdapter {
        private final FloorFrame frame;
        private ByteBuf gathered;

        Counter(String where) {
            frame = new FloorFrame(where);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            gathered = gathered == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), gathered,
                    in);
            long n = 0;
            while (frame.next(gathered)) {
                frame.consume(gathered);
                n++;
            }
            received.addAndGet(n);
            if (!gathered.isReadable()) {
                gathered.release();
                gathered = null;
            } else {
                gathered.discardSomeReadBytes();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (gathered != null) {
                gathered.release();
                gathered = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
