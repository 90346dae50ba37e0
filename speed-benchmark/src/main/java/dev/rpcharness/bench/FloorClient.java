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
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor's client (stack F): sends the echo call as exactly the bytes the consumer core sends for it with a
 * 5 s call timeout (docs/wire-contract.md, "Call": the same header names, order and case), and frames the answers by
 * hand ({@link FloorFrame}), matching them in order on each connection: the oldest call in flight gets the next
 * answer (so it needs a server that answers in order, as FakeProvider does with its implementations on the I/O
 * thread; on its worker pool it may answer pipelined calls out of order, which the contract allows). An answer counts as ok only when it is {@code 200}, carries the call's id in its header and its body is
 * exactly {@code {"requestId":"<id>","result":"ping"}}; compared byte by byte, no JSON parsing. Calls go round robin
 * over {@code connections} persistent connections on one event loop, pipelined; calls sent from inside a
 * completion are flushed once per read batch, calls from other threads go through a lock-free queue per
 * connection drained by one task (one wake-up per burst), as {@link PipelinedHttpClient} does. No per-call object
 * on the event loop's path: calls in flight sit in a ring of primitive slots per connection.
 *
 * <p>Threading: {@link #send} from any thread; completions run on the client's event loop
 * ({@code bench-floor-client-*}); {@link #close} fails the calls still pending and stops the loop.
 */
final class FloorClient implements BenchStack {

    /** The call timeout the requests announce, in milliseconds, as the consumer core with a 5 s timeout does. */
    static final long TIMEOUT_MILLIS = 5000;

    private static final byte[] BODY_HEAD = FloorFrame.ascii("{\"requestId\":\"");
    private static final byte[] BODY_TAIL;
    private static final byte[] CONTENT_LENGTH = FloorFrame.ascii("content-length: ");
    private static final byte[] REQUEST_ID = FloorFrame.ascii("\r\n" + WireContract.REQUEST_ID_HEADER + ": ");
    private static final byte[] TIMEOUT_AND_END = FloorFrame.ascii("\r\n" + WireContract.TIMEOUT_HEADER + ": "
            + TIMEOUT_MILLIS + "\r\n\r\n");
    private static final byte[] STATUS_OK = FloorFrame.ascii("HTTP/1.1 200 ");
    private static final byte[] ANSWER_TAIL = FloorFrame.ascii("\",\"result\":\"" + BenchPayload.ARGUMENT + "\"}");

    static {
        byte[] sample = BenchPayload.request(0);
        BODY_TAIL = java.util.Arrays.copyOfRange(sample, BODY_HEAD.length + 1, sample.length);
    }

    private record Handed(long intendedStartNanos, Completion done) {
    }

    private final EventLoopGroup group = BenchTransport.group("bench-floor-client", 1);
    private final byte[] head;
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    /** Connections written from the event loop since their last flush; event loop only. */
    private final List<Connection> dirty = new ArrayList<>();

    /** With a random client id of 16 hex digits, as a consumer client without a configured id draws. */
    FloorClient(String host, int port, int connections) {
        this(host, port, connections, String.format("%016x", ThreadLocalRandom.current().nextLong()));
    }

    /** @param clientId the {@code X-Rpc-Client-Id} of every request */
    FloorClient(String host, int port, int connections, String clientId) {
        head = FloorFrame.ascii("POST " + WireContract.CALL_PATH + " HTTP/1.1\r\nhost: " + host + ":" + port
                + "\r\ncontent-type: " + WireContract.CONTENT_TYPE + "\r\n" + WireContract.CLIENT_ID_HEADER + ": "
                + clientId + "\r\n");
        Bootstrap b = new Bootstrap().group(group).channel(BenchTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
        try {
            for (int i = 0; i < connections; i++) {
                Connection c = new Connection("floor client connection to " + host + ":" + port);
                c.channel = b.handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(c);
                    }
                }).connect(host, port).syncUninterruptibly().channel();
                this.connections.add(c);
            }
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("floor client cannot connect to " + host + ":" + port, e);
        }
    }

    @Override
    public void send(long intendedStartNanos, Completion done) {
        Connection c = connections.get(Math.floorMod(next.getAndIncrement(), connections.size()));
        if (!c.channel.eventLoop().inEventLoop()) {
            c.handOver(new Handed(intendedStartNanos, done));
            return;
        }
        c.write(intendedStartNanos, done);
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    private ByteBuf encode(Channel ch, long id) {
        int idDigits = FloorFrame.digits(id);
        int length = BODY_HEAD.length + idDigits + BODY_TAIL.length;
        ByteBuf buf = ch.alloc().buffer(head.length + CONTENT_LENGTH.length + 7 + REQUEST_ID.length + idDigits
                + TIMEOUT_AND_END.length + length);
        buf.writeBytes(head).writeBytes(CONTENT_LENGTH);
        FloorFrame.writeDecimal(buf, length);
        buf.writeBytes(REQUEST_ID);
        FloorFrame.writeDecimal(buf, id);
        buf.writeBytes(TIMEOUT_AND_END).writeBytes(BODY_HEAD);
        FloorFrame.writeDecimal(buf, id);
        return buf.writeBytes(BODY_TAIL);
    }

    /** Whether the framed answer at the reader index is the echo's right answer for call {@code id}. */
    private static boolean isAnswerTo(FloorFrame frame, ByteBuf buf, long id) {
        int bodyFrom = frame.bodyFrom(buf);
        int idFrom = frame.idFrom(buf);
        int idDigits = FloorFrame.digits(id);
        return startsWith(buf, buf.readerIndex(), STATUS_OK) && idFrom >= 0
                && FloorFrame.decimal(buf, idFrom, idFrom + frame.idLength(), 18) == id
                && frame.contentLength() == BODY_HEAD.length + idDigits + ANSWER_TAIL.length
                && startsWith(buf, bodyFrom, BODY_HEAD)
                && FloorFrame.decimal(buf, bodyFrom + BODY_HEAD.length, bodyFrom + BODY_HEAD.length + idDigits, 18)
                == id && startsWith(buf, bodyFrom + BODY_HEAD.length + idDigits, ANSWER_TAIL);
    }

    private static boolean startsWith(ByteBuf buf, int at, byte[] expected) {
        if (buf.writerIndex() - at < expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (buf.getByte(at + i) != expected[i]) {
                return false;
            }
        }
        return true;
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

    /** One connection: its calls in flight, oldest first, and the reading of its answers. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        final Queue<Handed> inbox = PlatformDependent.newMpscQueue();
        final AtomicBoolean drainScheduled = new AtomicBoolean();
        final Runnable drainTask = this::drain;
        final FloorFrame frame;
        final InFlightRing inFlight = new InFlightRing();
        Channel channel;
        boolean dirty;
        private long nextId = 1;
        private ByteBuf received;

        Connection(String where) {
            frame = new FloorFrame(where);
        }

        /** On the event loop: the call gets the connection's next id and is written (flushed by the caller). */
        void write(long intendedStartNanos, Completion done) {
            long id = nextId++;
            inFlight.add(intendedStartNanos, done);
            channel.write(encode(channel, id), channel.voidPromise());
        }

        /** From a thread other than the event loop: queued, and one drain scheduled unless one is pending. */
        void handOver(Handed call) {
            inbox.offer(call);
            if (drainScheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(drainTask);
            }
        }

        private void drain() {
            drainScheduled.set(false);
            Handed h;
            boolean wrote = false;
            while ((h = inbox.poll()) != null) {
                write(h.intendedStartNanos(), h.done());
                wrote = true;
            }
            if (wrote) {
                channel.flush();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            received = received == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), received,
                    in);
            while (frame.next(received)) {
                if (inFlight.isEmpty()) {
                    throw new FloorFrame.FramingException(frame.where(), "an answer with no call in flight");
                }
                boolean ok = isAnswerTo(frame, received, nextId - inFlight.size());
                frame.consume(received);
                inFlight.completeOldest(ok);
            }
            if (!received.isReadable()) {
                received.release();
                received = null;
            } else {
                received.discardSomeReadBytes();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushDirty();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (received != null) {
                received.release();
                received = null;
            }
            failAll();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        void failAll() {
            while (!inFlight.isEmpty()) {
                inFlight.completeOldest(false);
            }
            Handed h;
            while ((h = inbox.poll()) != null) {
                h.done().done(h.intendedStartNanos(), false);
            }
        }
    }
}
