package dev.rpcharness.consumer.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.HelloService;
import dev.rpcharness.consumer.internal.proxy.MethodMetadata;
import dev.rpcharness.consumer.internal.proxy.ServiceMethods;
import dev.rpcharness.protocol.RpcJson;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request bytes written straight into one buffer are exactly what Netty's HTTP encoder made of the call. */
class RequestEncoderTest {

    private final MethodMetadata hello = new ServiceMethods(HelloService.class, RpcJson.newMapper())
            .resolve("hello", new Object[] {"x"});
    private final byte[] args = "[\"wörld\"]".getBytes(StandardCharsets.UTF_8);

    /** The encoder's wall clock: the deadline header is this plus the budget. */
    private static final long NOW = 1_767_225_600_000L;

    /** The request as the client built it before: a Netty request through Netty's encoder. */
    private static String viaNetty(long id, MethodMetadata method, byte[] arguments, long timeoutMillis) {
        String body = "{\"requestId\":\"" + id + "\"" + new String(method.bodyTail(), StandardCharsets.UTF_8);
        ByteBuf content = Unpooled.buffer();
        content.writeCharSequence(body, StandardCharsets.UTF_8);
        content.writeBytes(arguments);
        content.writeByte('}');
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                WireContract.CALL_PATH, content, false);
        request.headers().set(HttpHeaderNames.HOST, "127.0.0.1:20881")
                .set(HttpHeaderNames.CONTENT_TYPE, WireContract.CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(WireContract.REQUEST_ID_HEADER, Long.toString(id))
                .set(WireContract.DEADLINE_HEADER, Long.toString(NOW + timeoutMillis))
                .set(WireContract.TIMEOUT_HEADER, Long.toString(timeoutMillis));
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestEncoder());
        channel.writeOutbound(request);
        StringBuilder out = new StringBuilder();
        ByteBuf part;
        while ((part = channel.readOutbound()) != null) {
            out.append(part.toString(StandardCharsets.ISO_8859_1));
            part.release();
        }
        channel.finishAndReleaseAll();
        return out.toString();
    }

    private static String encoded(RequestEncoder encoder, long id, MethodMetadata method, byte[] arguments,
                                  long timeoutMillis, long fullMillis) {
        ByteBuf buf = encoder.encode(ByteBufAllocator.DEFAULT, id, method, arguments, timeoutMillis, fullMillis);
        try {
            return buf.toString(StandardCharsets.ISO_8859_1);
        } finally {
            buf.release();
        }
    }

    @Test
    void bytesEqualNettysEncodingForFullAndPartialBudgetsAndAnyIdLength() {
        RequestEncoder encoder = new RequestEncoder("127.0.0.1:20881", null, () -> NOW);
        for (long id : new long[] {1, 9, 10, 99, 100, 12_345, 999_999_999L, Long.MAX_VALUE}) {
            assertThat(encoded(encoder, id, hello, args, 3000, 3000)).isEqualTo(viaNetty(id, hello, args, 3000));
            assertThat(encoded(encoder, id, hello, args, 7, 3000)).isEqualTo(viaNetty(id, hello, args, 7));
            assertThat(encoded(encoder, id, hello, args, 1, 250)).isEqualTo(viaNetty(id, hello, args, 1));
            assertThat(encoded(encoder, id, hello, args, 250, 250)).isEqualTo(viaNetty(id, hello, args, 250));
        }
    }

    @Test
    void aProviderDecodesItWithItsContentLengthAndHeaders() {
        RequestEncoder encoder = new RequestEncoder("127.0.0.1:20881", null, () -> NOW);
        EmbeddedChannel provider = new EmbeddedChannel(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 16));
        provider.writeInbound(encoder.encode(ByteBufAllocator.DEFAULT, 42, hello, args, 1234, 3000));
        FullHttpRequest request = provider.readInbound();
        try {
            assertThat(request.decoderResult().isSuccess()).isTrue();
            assertThat(request.headers().get(WireContract.REQUEST_ID_HEADER)).isEqualTo("42");
            assertThat(request.headers().get(WireContract.TIMEOUT_HEADER)).isEqualTo("1234");
            assertThat(request.headers().get(WireContract.DEADLINE_HEADER)).isEqualTo(Long.toString(NOW + 1234));
            assertThat(request.content().toString(StandardCharsets.UTF_8))
                    .startsWith("{\"requestId\":\"42\",\"className\":\"" + HelloService.class.getName())
                    .endsWith(",\"parameters\":[\"wörld\"]}");
        } finally {
            request.release();
            provider.finishAndReleaseAll();
        }
    }

    @Test
    void aCallSeqAddsTheOptionalHeaderAndNoSeqKeepsTheBytesIdentical() {
        RequestEncoder encoder = new RequestEncoder("127.0.0.1:20881", null, () -> NOW);
        assertThat(encoded(encoder, 7, hello, args, 3000, 3000)).isEqualTo(viaNetty(7, hello, args, 3000));
        ByteBuf none = encoder.encode(ByteBufAllocator.DEFAULT, 7, hello, args, 3000, 3000, 0);
        try {
            assertThat(none.toString(StandardCharsets.ISO_8859_1)).isEqualTo(viaNetty(7, hello, args, 3000));
        } finally {
            none.release();
        }
        for (long[] c : new long[][] {{1, 3000}, {12_345, 3000}, {Long.MAX_VALUE, 7}}) {
            long seq = c[0];
            EmbeddedChannel provider = new EmbeddedChannel(new HttpRequestDecoder(),
                    new HttpObjectAggregator(1 << 16));
            provider.writeInbound(encoder.encode(ByteBufAllocator.DEFAULT, 42, hello, args, c[1], 3000, seq));
            FullHttpRequest request = provider.readInbound();
            try {
                assertThat(request.decoderResult().isSuccess()).isTrue();
                assertThat(request.headers().get(WireContract.CALL_SEQ_HEADER)).isEqualTo(Long.toString(seq));
                assertThat(request.headers().get(WireContract.REQUEST_ID_HEADER)).isEqualTo("42");
                assertThat(request.headers().get(WireContract.TIMEOUT_HEADER)).isEqualTo(Long.toString(c[1]));
                assertThat(request.content().toString(StandardCharsets.UTF_8))
                        .startsWith("{\"requestId\":\"42\",").endsWith(",\"parameters\":[\"wörld\"]}");
            } finally {
                request.release();
                provider.finishAndReleaseAll();
            }
        }
    }

    @Test
    void theClientIdIsInEveryRequestOfItsEncoder() {
        RequestEncoder encoder = new RequestEncoder("127.0.0.1:20881", "c0-5eed");
        // whole budget (the precomputed tail), part of it, and with a call number
        long[][] shapes = {{3000, 3000, 0}, {7, 3000, 0}, {3000, 3000, 12}};
        for (long[] c : shapes) {
            EmbeddedChannel provider = new EmbeddedChannel(new HttpRequestDecoder(),
                    new HttpObjectAggregator(1 << 16));
            provider.writeInbound(encoder.encode(ByteBufAllocator.DEFAULT, 42, hello, args, c[0], c[1], c[2]));
            FullHttpRequest request = provider.readInbound();
            try {
                assertThat(request.decoderResult().isSuccess()).isTrue();
                assertThat(request.headers().getAll(WireContract.CLIENT_ID_HEADER)).containsExactly("c0-5eed");
                assertThat(request.headers().get(WireContract.REQUEST_ID_HEADER)).isEqualTo("42");
                assertThat(request.headers().get(WireContract.TIMEOUT_HEADER)).isEqualTo(Long.toString(c[0]));
                assertThat(request.content().toString(StandardCharsets.UTF_8))
                        .startsWith("{\"requestId\":\"42\",").endsWith(",\"parameters\":[\"wörld\"]}");
            } finally {
                request.release();
                provider.finishAndReleaseAll();
            }
        }
        String none = encoded(new RequestEncoder("127.0.0.1:20881", null, () -> NOW), 7, hello, args, 3000, 3000);
        assertThat(none).isEqualTo(viaNetty(7, hello, args, 3000)).doesNotContain(WireContract.CLIENT_ID_HEADER);
    }

    @Test
    void theDeadlineHeaderFollowsTheWallClockAcrossCalls() {
        long[] wall = {NOW};
        RequestEncoder encoder = new RequestEncoder("127.0.0.1:20881", null, () -> wall[0]);
        for (long step : new long[] {0, 0, 1, 999, 0, 9_000_000_000L, 1}) {
            wall[0] += step;
            String request = encoded(encoder, 5, hello, args, 3000, 3000);
            assertThat(request).contains("\r\n" + WireContract.DEADLINE_HEADER + ": " + (wall[0] + 3000) + "\r\n");
            request = encoded(encoder, 5, hello, args, 17, 3000);
            assertThat(request).contains("\r\n" + WireContract.DEADLINE_HEADER + ": " + (wall[0] + 17) + "\r\n");
        }
    }

    @Test
    void requestsEncodedIntoOneBufferAreTheSameBytesOneAfterTheOther() {
        RequestEncoder encoder = new RequestEncoder("127.0.0.1:20881", null, () -> NOW);
        long[][] calls = {{1, 3000, 0, 0}, {9, 7, 0, 0}, {10, 3000, 12, 0}, {99_999, 3000, 0, 2}, {100_000, 1, 5, 3}};
        ByteBuf one = Unpooled.buffer(16);
        StringBuilder expected = new StringBuilder();
        try {
            for (long[] c : calls) {
                int max = encoder.maxBytes(hello, args, c[1], 3000, c[2], (int) c[3]);
                int before = one.writerIndex();
                one.ensureWritable(max);
                encoder.encodeInto(one, NOW, c[0], hello, args, c[1], 3000, c[2], (int) c[3]);
                assertThat(one.writerIndex() - before).as("at most maxBytes").isLessThanOrEqualTo(max);
                ByteBuf alone = encoder.encode(ByteBufAllocator.DEFAULT, c[0], hello, args, c[1], 3000, c[2],
                        (int) c[3]);
                expected.append(alone.toString(StandardCharsets.ISO_8859_1));
                alone.release();
            }
            assertThat(one.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expected.toString());
        } finally {
            one.release();
        }
    }
}
