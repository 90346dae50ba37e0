package dev.rpcharness.consumer.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.internal.transport.ResponseFrameDecoder.ResponseFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The fast path reads plain responses into frames, and for every response it does not take, the connection sees
 * exactly what Netty's decoder and aggregator make of the same bytes: same statuses, ids, bodies and errors, in
 * one piece or a byte at a time, also when the input ends inside a response.
 */
class ResponseFrameDecoderTest {

    private static final int MAX = 1024;

    /** What the consumer's handler sees of each message, and each error, as text. */
    private static final class Seen extends ChannelInboundHandlerAdapter {
        final List<String> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ResponseFrame f) {
                events.add("ok " + f.success() + " " + (f.success() ? f.code() : f.status()) + " id=" + f.requestId()
                        + " body=" + f.content().toString(StandardCharsets.UTF_8));
                f.content().release();
            } else if (msg instanceof FullHttpResponse r) {
                if (!r.decoderResult().isSuccess()) {
                    events.add("failed " + r.decoderResult().cause().getClass().getSimpleName());
                } else {
                    boolean ok = r.status().codeClass() == HttpStatusClass.SUCCESS;
                    events.add("ok " + ok + " " + (ok ? r.status().code() : r.status()) + " id="
                            + r.headers().get("X-Rpc-Request-Id") + " body=" + r.content().toString(StandardCharsets.UTF_8));
                }
                r.release();
            } else {
                events.add("other " + msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add("error " + cause.getClass().getSimpleName());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }
    }

    private static List<String> feed(Supplier<ChannelHandler[]> decoders, String raw, int chunk, boolean close) {
        Seen seen = new Seen();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(decoders.get());
        ch.pipeline().addLast(seen);
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length && ch.isOpen(); i += chunk) {
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
            } catch (RuntimeException e) {
                seen.events.add("thrown " + e.getClass().getSimpleName());
            }
        }
        if (close) {
            ch.close();
        }
        try {
            ch.finishAndReleaseAll();
        } catch (RuntimeException e) {
            seen.events.add("thrown at finish " + e.getClass().getSimpleName());
        }
        return seen.events;
    }

    private static ChannelHandler[] fast() {
        return new ChannelHandler[] {new ResponseFrameDecoder(MAX)};
    }

    private static ChannelHandler[] netty() {
        return new ChannelHandler[] {new HttpResponseDecoder(), new HttpObjectAggregator(MAX)};
    }

    private static String ok(long id, String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nX-Rpc-Request-Id: " + id + "\r\n\r\n" + body;
    }

    private static void sameAsNetty(String raw) {
        for (boolean close : new boolean[] {false, true}) {
            List<String> expected = feed(ResponseFrameDecoderTest::netty, raw, raw.length() + 1, close);
            assertThat(feed(ResponseFrameDecoderTest::fast, raw, raw.length() + 1, close)).as("whole: %s", raw)
                    .isEqualTo(expected);
            assertThat(feed(ResponseFrameDecoderTest::fast, raw, 1, close)).as("byte by byte: %s", raw)
                    .isEqualTo(feed(ResponseFrameDecoderTest::netty, raw, 1, close));
            assertThat(feed(ResponseFrameDecoderTest::fast, raw, 7, close)).as("7 bytes at a time: %s", raw)
                    .isEqualTo(feed(ResponseFrameDecoderTest::netty, raw, 7, close));
        }
    }

    @Test
    void plainResponsesBecomeFramesWithoutFallingBack() {
        String raw = ok(1, "{\"requestId\":\"1\",\"result\":\"a\"}") + ok(2, "{\"requestId\":\"2\",\"result\":\"b\"}")
                + "HTTP/1.1 503 Service Unavailable\r\nx-rpc-request-id:  3 \r\ncontent-length: 0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        for (int chunk : new int[] {1, 3, raw.length()}) {
            ResponseFrameDecoder decoder = new ResponseFrameDecoder(MAX);
            Seen seen = new Seen();
            EmbeddedChannel ch = new EmbeddedChannel(decoder, seen);
            byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
            }
            assertThat(decoder.fellBack()).isFalse();
            assertThat(seen.events).containsExactly(
                    "ok true 200 id=1 body={\"requestId\":\"1\",\"result\":\"a\"}",
                    "ok true 200 id=2 body={\"requestId\":\"2\",\"result\":\"b\"}",
                    "ok false 503 Service Unavailable id=3 body=",
                    "ok true 200 id=null body={}");
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
        sameAsNetty(raw);
    }

    @Test
    void everyUnusualResponseIsDecodedExactlyAsNettyDecodesIt() {
        String body = "{\"requestId\":\"5\",\"result\":\"x\"}";
        List<String> unusual = List.of(
                "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nX-Rpc-Request-Id: 5\r\n\r\n{}",
                "HTTP/1.1 100 Continue\r\n\r\n" + ok(5, body),
                "HTTP/1.1 204 No Content\r\nX-Rpc-Request-Id: 5\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Rpc-Request-Id: 5\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX-Rpc-Request-Id: 5\r\n\r\n{\"no\":\"length\"}",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\nX-Rpc-Request-Id: 5\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nX-Rpc-Request-Id: 5\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nX-Rpc-Request-Id: 5\r\n\r\n" + "x".repeat(5000),
                "HTTP/1.1 200 OK\nContent-Length: 2\nX-Rpc-Request-Id: 5\n\n{}",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Rpc-Request-Id: 5\r\nX-Rpc-Request-Id: 6\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Folded: a\r\n b\r\nX-Rpc-Request-Id: 5\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Length : 2\r\nX-Rpc-Request-Id: 5\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nX-Bin: \u00e9\r\nContent-Length: 2\r\nX-Rpc-Request-Id: 5\r\n\r\n{}",
                "HTTP/1.1 200  OK\r\nContent-Length: 2\r\nX-Rpc-Request-Id: 5\r\n\r\n{}",
                "HTTP/1.1 200\r\nContent-Length: 2\r\nX-Rpc-Request-Id: 5\r\n\r\n{}",
                "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nX-Long: " + "y".repeat(9000) + "\r\nContent-Length: 2\r\n\r\n{}",
                "HTTP/1.1 200 " + "z".repeat(5000) + "\r\nContent-Length: 2\r\n\r\n{}",
                "garbage\r\n\r\n",
                "\r\n\r\n" + ok(5, body),
                ok(4, body) + "HTTP/1.1 20",
                ok(4, body) + "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-Rpc-Request-Id: 5\r\n\r\n{\"requestId\"",
                ok(4, body) + "HTTP/1.1 200 OK\r\nContent-Len",
                ok(4, body) + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Rpc-Request-Id: 5\r\n\r\n{}" + ok(6, body));
        for (String raw : unusual) {
            sameAsNetty(raw);
        }
    }

    @Test
    void aResponseItDoesNotTakeHandsTheRestOfTheConnectionToNetty() {
        ResponseFrameDecoder decoder = new ResponseFrameDecoder(MAX);
        Seen seen = new Seen();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, seen);
        String raw = ok(1, "{}") + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Rpc-Request-Id: 2\r\n\r\n"
                + "2\r\n{}\r\n0\r\n\r\n" + ok(3, "[]");
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
        assertThat(decoder.fellBack()).isTrue();
        assertThat(ch.pipeline().get(ResponseFrameDecoder.class)).isNull();
        assertThat(ch.pipeline().get(HttpResponseDecoder.class)).isNotNull();
        assertThat(seen.events).containsExactly("ok true 200 id=1 body={}", "ok true 200 id=2 body={}",
                "ok true 200 id=3 body=[]");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anIdWrittenAsTheClientWritesIdsComesAsANumberAnyOtherAsItsText() {
        String[][] cases = {{"42", "42"}, {"0", "0"}, {"007", null}, {"abc", null}, {"1234567890123456789", null}};
        for (String[] c : cases) {
            EmbeddedChannel ch = new EmbeddedChannel(new ResponseFrameDecoder(MAX));
            ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nX-Rpc-Request-Id: " + c[0]
                    + "\r\ncontent-length: 2\r\n\r\n{}", StandardCharsets.US_ASCII));
            ResponseFrame frame = ch.readInbound();
            try {
                assertThat(frame.requestId()).as(c[0]).isEqualTo(c[0]);
                if (c[1] != null) {
                    assertThat(frame.id()).as(c[0]).isEqualTo(Long.parseLong(c[1]));
                    assertThat(frame.idText()).as(c[0]).isNull();
                } else {
                    assertThat(frame.id()).as(c[0]).isEqualTo(-1);
                    assertThat(frame.idText()).as(c[0]).isEqualTo(c[0]);
                }
            } finally {
                frame.content().release();
            }
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void bodiesAreSlicesTheReceiverReleases() {
        EmbeddedChannel ch = new EmbeddedChannel(new ResponseFrameDecoder(MAX));
        ByteBuf in = Unpooled.copiedBuffer(ok(1, "{}"), StandardCharsets.UTF_8);
        ch.writeInbound(in);
        ResponseFrame frame = ch.readInbound();
        assertThat(frame.content().refCnt()).isEqualTo(1);
        assertThat(frame.content().release()).isTrue();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    /**
     * Many pipelined responses in one read: each response's head is parsed from a copy of about its own size, not
     * of the whole head limit (12 KB) whatever the head's length.
     */
    @Test
    void pipelinedResponsesCopyLittleMoreThanTheirHeads() {
        int responses = 200;
        String body = "{\"requestId\":\"1\",\"result\":\"" + "b".repeat(2_000) + "\"}";
        StringBuilder raw = new StringBuilder();
        for (int i = 1; i <= responses; i++) {
            raw.append("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length())
                    .append("\r\nX-Rpc-Request-Id: ").append(i).append("\r\n\r\n").append(body);
        }
        ResponseFrameDecoder decoder = new ResponseFrameDecoder(1 << 20);
        Seen seen = new Seen();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, seen);
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
        assertThat(seen.events).hasSize(responses).allSatisfy(e -> assertThat(e).startsWith("ok true 200"));
        assertThat(decoder.fellBack()).isFalse();
        assertThat(decoder.headBytesCopied() / responses).as("bytes copied per response head").isLessThan(1_024);
        ch.finishAndReleaseAll();
    }

    /** A large body arriving over many reads: the head is parsed once, not again at every read. */
    @Test
    void aBodyArrivingInManyReadsHasItsHeadCopiedOnce() {
        String body = "{\"requestId\":\"1\",\"result\":\"" + "b".repeat(50_000) + "\"}";
        String raw = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\nX-Rpc-Request-Id: 1\r\n\r\n" + body;
        ResponseFrameDecoder decoder = new ResponseFrameDecoder(1 << 20);
        Seen seen = new Seen();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, seen);
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 1_000) {
            ch.writeInbound(Unpooled.copiedBuffer(bytes, i, Math.min(1_000, bytes.length - i)));
        }
        assertThat(seen.events).singleElement().asString().startsWith("ok true 200 id=1");
        assertThat(decoder.headBytesCopied()).as("bytes copied to parse the head").isLessThanOrEqualTo(
                ResponseFrameDecoder.FIRST_COPY);
        ch.finishAndReleaseAll();
    }
}
