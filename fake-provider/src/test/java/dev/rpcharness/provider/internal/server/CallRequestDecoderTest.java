package dev.rpcharness.provider.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request fast path on its own: which requests it reads itself, and that it hands everything from the first
 * unusual request on to Netty's decoder, byte for byte. (The answers over a real socket are in
 * {@link CallRequestFastPathTest}.)
 */
class CallRequestDecoderTest {

    private static final String BODY = "{\"requestId\":\"1\"}";

    private final CallRequestDecoder decoder = new CallRequestDecoder(1024);
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder, new HttpRequestDecoder());

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String plain(String extraHeaders, String body) {
        return "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extraHeaders
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private CallRequest readCall() {
        Object msg = channel.readInbound();
        assertThat(msg).isInstanceOf(CallRequest.class);
        return (CallRequest) msg;
    }

    @Test
    void plainCallIsReadWithItsHeadersAndBodyWithoutNettysObjects() {
        channel.writeInbound(ascii(plain("x-rpc-request-id:  42 \r\nX-RPC-TIMEOUT-MS:\t3000\r\nX-Rpc-Call-Seq: 9\r\n",
                BODY)));
        CallRequest call = readCall();
        try {
            assertThat(call.requestId()).isEqualTo("42");
            assertThat(call.budgetNanos()).isEqualTo(3_000_000_000L);
            assertThat(call.callSeq()).isEqualTo(9L);
            assertThat(call.deadlineMillis()).isZero();
            assertThat(call.keepAlive()).isTrue();
            assertThat(call.body().toString(StandardCharsets.US_ASCII)).isEqualTo(BODY);
        } finally {
            call.body().release();
        }
        assertThat(decoder.fellBack()).isFalse();
    }

    @Test
    void theClientIdIsReadAndAConnectionsRepeatedIdIsOneString() {
        channel.writeInbound(ascii(plain("X-Rpc-Client-Id:  c0-5eed \r\n", BODY) + plain("x-rpc-client-id: c0-5eed\r\n",
                BODY) + plain("X-Rpc-Client-Id: c1-5eed\r\n", BODY) + plain("", BODY)));
        String[] ids = new String[4];
        for (int i = 0; i < ids.length; i++) {
            CallRequest call = readCall();
            ids[i] = call.clientId();
            call.body().release();
        }
        assertThat(ids).containsExactly("c0-5eed", "c0-5eed", "c1-5eed", null);
        assertThat(ids[1]).isSameAs(ids[0]);
        assertThat(decoder.fellBack()).isFalse();
    }

    @Test
    void connectionCloseIsRead() {
        channel.writeInbound(ascii(plain("Connection: Close\r\n", BODY)));
        CallRequest call = readCall();
        call.body().release();
        assertThat(call.keepAlive()).isFalse();
        assertThat(call.requestId()).isNull();
    }

    @Test
    void callArrivingInPiecesIsReadOnceWhole() {
        String all = plain("X-Rpc-Request-Id: 7\r\n", BODY) + plain("X-Rpc-Request-Id: 8\r\n", BODY);
        for (int i = 0; i < all.length(); i += 5) {
            channel.writeInbound(ascii(all.substring(i, Math.min(all.length(), i + 5))));
        }
        CallRequest first = readCall();
        CallRequest second = readCall();
        first.body().release();
        second.body().release();
        assertThat(first.requestId()).isEqualTo("7");
        assertThat(second.requestId()).isEqualTo("8");
        assertThat(decoder.fellBack()).isFalse();
    }

    @Test
    void aLargeBodyTricklingInDoesNotHaveItsHeadParsedAgainOnEveryRead() {
        int size = 1 << 20;
        CallRequestDecoder big = new CallRequestDecoder(2L * size);
        EmbeddedChannel ch = new EmbeddedChannel(big, new HttpRequestDecoder());
        try {
            String body = "{\"requestId\":\"big\",\"pad\":\"" + "x".repeat(size - 30) + "\"}";
            byte[] all = plain("X-Rpc-Request-Id: big\r\n", body).getBytes(StandardCharsets.US_ASCII);
            int reads = 0;
            for (int i = 0; i < all.length; i += 1024, reads++) {
                ch.writeInbound(Unpooled.wrappedBuffer(all, i, Math.min(1024, all.length - i)));
            }
            Object msg = ch.readInbound();
            assertThat(msg).isInstanceOf(CallRequest.class);
            CallRequest call = (CallRequest) msg;
            try {
                assertThat(call.requestId()).isEqualTo("big");
                assertThat(call.body().readableBytes()).isEqualTo(body.length());
                assertThat(call.body().toString(StandardCharsets.US_ASCII)).isEqualTo(body);
            } finally {
                call.body().release();
            }
            assertThat(reads).isGreaterThan(1000);
            assertThat(big.headParses()).as("head parses over " + reads + " reads").isEqualTo(1);
            assertThat(big.fellBack()).isFalse();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void firstUnusualRequestAndEverythingAfterItGoToNettysDecoder() {
        String chunked = "POST /rpc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Rpc-Request-Id: 2\r\n\r\n"
                + Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n";
        channel.writeInbound(ascii(plain("X-Rpc-Request-Id: 1\r\n", BODY) + chunked
                + plain("X-Rpc-Request-Id: 3\r\n", BODY)));
        CallRequest first = readCall();
        first.body().release();
        assertThat(first.requestId()).isEqualTo("1");
        assertThat(decoder.fellBack()).isTrue();
        assertThat(channel.pipeline().get(CallRequestDecoder.class)).isNull();
        Object second = channel.readInbound();
        assertThat(second).isInstanceOf(HttpRequest.class);
        assertThat(((HttpRequest) second).headers().get("X-Rpc-Request-Id")).isEqualTo("2");
        StringBuilder rest = new StringBuilder();
        Object msg;
        int heads = 0;
        while ((msg = channel.readInbound()) != null) {
            if (msg instanceof HttpRequest r) {
                heads++;
                assertThat(r.headers().get("X-Rpc-Request-Id")).isEqualTo("3");
            }
            if (msg instanceof HttpContent c) {
                rest.append(c.content().toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(msg);
        }
        assertThat(heads).isEqualTo(1);
        assertThat(rest.toString()).isEqualTo(BODY + BODY);
    }

    @Test
    void requestsTheFastPathDoesNotTakeFallBack() {
        String[] unusual = {
            "GET /rpc HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /other HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            "POST /rpc HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
            "POST /rpc HTTP/1.1\nContent-Length: 0\n\n",
            "POST /rpc HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /rpc HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nContent-Length: 2000\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nConnection: upgrade\r\nContent-Length: 2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nBad Header: 1\r\nContent-Length: 2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nX-Rpc-Request-Id: 1\r\nX-Rpc-Request-Id: 2\r\nContent-Length: 2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nX-Rpc-Client-Id: a\r\nX-Rpc-Client-Id: b\r\nContent-Length: 2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nX-Note: caf\u00e9\r\nContent-Length: 2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nX-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\n{}",
            "POST /rpc HTTP/1.1\r\nX-Big: " + "a".repeat(CallRequestDecoder.MAX_HEADER_BYTES) + "\r\n\r\n",
        };
        for (String request : unusual) {
            CallRequestDecoder d = new CallRequestDecoder(1024);
            EmbeddedChannel ch = new EmbeddedChannel(d, new HttpRequestDecoder());
            ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
            assertThat(d.fellBack()).as(request).isTrue();
            Object first = ch.readInbound();
            assertThat(first).as(request).isNotInstanceOf(CallRequest.class).isNotNull();
            ReferenceCountUtil.release(first);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void theRepeatedStartOfAConsumersHeadsIsComparedNotParsedAndTheRestIsStillRead() {
        String start = "POST /rpc HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nX-Rpc-Client-Id: c1\r\n";
        String[] heads = {
            start + "X-Rpc-Call-Seq: 1\r\ncontent-length: 2\r\nX-Rpc-Request-Id: 11\r\nX-Rpc-Timeout-Ms: 5\r\n\r\n{}",
            start + "X-Rpc-Call-Seq: 2\r\ncontent-length: 3\r\nX-Rpc-Request-Id: 12\r\n\r\n{ }",
            start + "content-length: 2\r\nX-Rpc-Request-Id: 13\r\nConnection: close\r\n\r\n{}",
            // the same start with another client id: parsed in full, and remembered anew
            start.replace("c1", "c2") + "content-length: 2\r\nX-Rpc-Request-Id: 14\r\n\r\n{}",
            start.replace("c1", "c2") + "content-length: 2\r\nX-Rpc-Request-Id: 15\r\n\r\n{}",
        };
        long[][] expected = {{11, 1, 5_000_000}, {12, 2, 0}, {13, 0, 0}, {14, 0, 0}, {15, 0, 0}};
        String[] clients = {"c1", "c1", "c1", "c2", "c2"};
        for (int i = 0; i < heads.length; i++) {
            channel.writeInbound(ascii(heads[i]));
            CallRequest call = readCall();
            try {
                assertThat(Long.parseLong(call.requestId())).as(heads[i]).isEqualTo(expected[i][0]);
                assertThat(call.callSeq()).as(heads[i]).isEqualTo(expected[i][1]);
                assertThat(call.budgetNanos()).as(heads[i]).isEqualTo(expected[i][2]);
                assertThat(call.clientId()).as(heads[i]).isEqualTo(clients[i]);
                assertThat(call.keepAlive()).as(heads[i]).isEqualTo(i != 2);
            } finally {
                call.body().release();
            }
        }
        assertThat(decoder.prefixHits()).as("heads that started with the known start").isEqualTo(3);
        assertThat(decoder.fellBack()).isFalse();
    }

    @Test
    void aSecondClientIdAfterAKnownStartThatNamedOneStillGoesToNetty() {
        String start = "POST /rpc HTTP/1.1\r\nhost: x\r\nX-Rpc-Client-Id: c1\r\n";
        channel.writeInbound(ascii(start + "content-length: 2\r\nX-Rpc-Request-Id: 1\r\n\r\n{}"));
        readCall().body().release();
        channel.writeInbound(ascii(start + "content-length: 2\r\nX-Rpc-Client-Id: c9\r\n\r\n{}"));
        assertThat(decoder.prefixHits()).isEqualTo(1);
        assertThat(decoder.fellBack()).as("a duplicated client id is Netty's to judge").isTrue();
        Object next = channel.readInbound();
        assertThat(next).isInstanceOf(HttpRequest.class);
        ReferenceCountUtil.release(next);
    }

    @Test
    void bytesLeftWhenTheConnectionEndsGoToNettysDecoder() {
        channel.writeInbound(ascii("POST /rpc HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}"));
        assertThat((Object) channel.readInbound()).isNull();
        channel.finish();
        assertThat(decoder.fellBack()).isTrue();
        Object head = channel.readInbound();
        assertThat(head).isInstanceOf(HttpRequest.class);
        ReferenceCountUtil.release(head);
    }
}
