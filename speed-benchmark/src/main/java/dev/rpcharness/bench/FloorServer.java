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
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;

/**
 * The floor's server (stack F): answers the contract's echo call with exactly the bytes {@code FakeProvider} sends
 * for it, framed by hand ({@link FloorFrame}: scan to the blank line, {@code Content-Length}), no HTTP objects and
 * no JSON parsing. The answer is precomputed bytes around the copied request id and the copied argument:
 *
 * <pre>
 * HTTP/1.1 200 OK\r\n
 * Content-Type: application/json\r\n
 * Content-Length: &lt;n&gt;\r\n
 * X-Rpc-Request-Id: &lt;id&gt;\r\n
 * \r\n
 * {"requestId":"&lt;id&gt;","result":&lt;the argument's JSON, as sent&gt;}
 * </pre>
 *
 * The argument is what lies between the body's {@code "parameters":[} and its closing {@code ]}}, so only calls
 * with one argument whose result is that argument (echo) are answered right. Answers are written in request
 * order and flushed once per read batch. A message it cannot frame closes its connection.
 *
 * <p>Threading: one event loop of its own ({@code bench-floor-server-*}); {@link #close} stops it.
 */
final class FloorServer implements AutoCloseable {

    /** The prefix of the server's thread names. */
    static final String THREADS = "bench-floor-server";

    private static final byte[] HEAD = FloorFrame.ascii("HTTP/1.1 200 OK\r\nContent-Type: "
            + WireContract.CONTENT_TYPE + "\r\nContent-Length: ");
    private static final byte[] ID_HEADER = FloorFrame.ascii("\r\n" + WireContract.REQUEST_ID_HEADER + ": ");
    private static final byte[] HEAD_END = FloorFrame.ascii("\r\n\r\n");
    private static final byte[] BODY_HEAD = FloorFrame.ascii("{\"requestId\":\"");
    private static final byte[] RESULT = FloorFrame.ascii("\",\"result\":");
    private static final byte[] PARAMETERS = FloorFrame.ascii("\"parameters\":[");

    private final EventLoopGroup group = BenchTransport.group(THREADS, 1);
    private final Channel channel;

    FloorServer() {
        channel = new ServerBootstrap().group(group).channel(BenchTransport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Answerer("floor server connection from " + ch.remoteAddress()));
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

    /** One connection: gathers bytes, answers every whole call in them, flushes at the end of the read batch. */
    private static final class Answerer extends ChannelInboundHandlerAdapter {
        private final FloorFrame frame;
        private ByteBuf received;
        private boolean written;

        Answerer(String where) {
            this.frame = new FloorFrame(where);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            received = received == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), received,
                    in);
            while (frame.next(received)) {
                ctx.write(answer(ctx, received), ctx.voidPromise());
                written = true;
                frame.consume(received);
            }
            if (!received.isReadable()) {
                received.release();
                received = null;
            } else {
                received.discardSomeReadBytes();
            }
        }

        private ByteBuf answer(ChannelHandlerContext ctx, ByteBuf buf) {
            int idFrom = frame.idFrom(buf);
            int idLength = frame.idLength();
            if (idFrom < 0) {
                throw new FloorFrame.FramingException(frame.where(), "call without " + WireContract
                        .REQUEST_ID_HEADER);
            }
            int bodyFrom = frame.bodyFrom(buf);
            int bodyTo = bodyFrom + frame.contentLength();
            int argFrom = indexOf(buf, bodyFrom, bodyTo, PARAMETERS);
            if (argFrom < 0 || bodyTo - bodyFrom < 2 || buf.getByte(bodyTo - 2) != ']'
                    || buf.getByte(bodyTo - 1) != '}') {
                throw new FloorFrame.FramingException(frame.where(), "body is not a call ending in "
                        + "\"parameters\":[...]}");
            }
            argFrom += PARAMETERS.length;
            int argLength = bodyTo - 2 - argFrom;
            int bodyLength = BODY_HEAD.length + idLength + RESULT.length + argLength + 1;
            ByteBuf out = ctx.alloc().buffer(HEAD.length + 7 + ID_HEADER.length + idLength + HEAD_END.length
                    + bodyLength);
            out.writeBytes(HEAD);
            FloorFrame.writeDecimal(out, bodyLength);
            out.writeBytes(ID_HEADER).writeBytes(buf, idFrom, idLength).writeBytes(HEAD_END);
            out.writeBytes(BODY_HEAD).writeBytes(buf, idFrom, idLength).writeBytes(RESULT);
            return out.writeBytes(buf, argFrom, argLength).writeByte('}');
        }

        private static int indexOf(ByteBuf buf, int from, int to, byte[] needle) {
            int last = to - needle.length;
            for (int i = buf.indexOf(from, to, needle[0]); i >= 0 && i <= last;
                 i = buf.indexOf(i + 1, to, needle[0])) {
                int k = 1;
                while (k < needle.length && buf.getByte(i + k) == needle[k]) {
                    k++;
                }
                if (k == needle.length) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (written) {
                written = false;
                ctx.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (received != null) {
                received.release();
                received = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
