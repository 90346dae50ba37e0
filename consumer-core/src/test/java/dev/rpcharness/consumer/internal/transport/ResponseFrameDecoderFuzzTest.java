package dev.rpcharness.consumer.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcharness.consumer.fuzz.Draw;
import dev.rpcharness.consumer.fuzz.FuzzSweep;
import dev.rpcharness.consumer.fuzz.Gen;
import dev.rpcharness.consumer.fuzz.ResponseStreams;
import dev.rpcharness.consumer.internal.transport.ResponseFrameDecoder.ResponseFrame;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fuzzes the consumer's response frame decoder with bytes in: whatever a provider writes (the response streams of
 * {@link ResponseStreams}: every shape of status line, headers, framing and body, mutated, with garbage, or raw
 * bytes, cut into writes, then the connection ends or stays), the fast path followed by its fallback yields exactly
 * what Netty's {@link HttpResponseDecoder} and {@link HttpObjectAggregator} alone yield for the same bytes: the
 * same responses (status, reason, request id, body, decoder result) in the same order, the same typed
 * {@code CodecException}, or, while a response is incomplete, nothing yet ("need more bytes"). Never an
 * unchecked exception (Netty wraps one thrown while decoding in a {@code DecoderException}: its cause must itself
 * be a codec error), and every buffer written in is released once the channel is done.
 *
 * <p>Runs as a Jazzer {@code @FuzzTest} (committed inputs under {@code ResponseFrameDecoderFuzzTestInputs/} in
 * {@code mvn verify}) and as a seeded sweep ({@link FuzzSweep}); commands in docs/fuzzing.md.
 */
class ResponseFrameDecoderFuzzTest {

    /** The maximum response size: the one the socket fuzz tests' clients use. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    /** The writes of one connection and whether the input then ends (the provider closes). */
    record Input(List<byte[]> writes, boolean ends) {
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(ends ? "then ends: " : "stays open: ");
            for (byte[] write : writes) {
                for (byte b : write) {
                    int c = b & 0xff;
                    out.append(c == '\\' ? "\\\\" : c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                            : c == '\r' ? "\\r" : c == '\n' ? "\\n" : String.format("\\x%02x", c));
                }
                out.append(" | ");
            }
            return out.toString();
        }
    }

    private static final Gen<List<byte[]>> WRITES = ResponseStreams.writes();
    private static final Gen<Input> INPUTS = draw -> new Input(WRITES.next(draw), draw.between(0, 1) == 1);

    @FuzzTest(maxDuration = "2m")
    void decodesWhatNettyDecodes(FuzzedDataProvider data) throws Exception {
        FuzzSweep.check(INPUTS.next(Draw.of(data)), ResponseFrameDecoderFuzzTest::sameAsNetty, "this fuzzer input");
    }

    @TestFactory
    Stream<DynamicTest> seededDecodesWhatNettyDecodes() {
        return FuzzSweep.tries("decodesWhatNettyDecodes", 600, INPUTS, ResponseFrameDecoderFuzzTest::sameAsNetty);
    }

    private static void sameAsNetty(Input input) {
        List<String> fast = decode("the fast path", input,
                () -> new ChannelHandler[] {new ResponseFrameDecoder(MAX_RESPONSE_BYTES)});
        List<String> netty = decode("Netty's decoder", input, () -> new ChannelHandler[] {new HttpResponseDecoder(),
            new HttpObjectAggregator(MAX_RESPONSE_BYTES)});
        assertThat(fast).as("what the fast path and its fallback made of the bytes, against Netty alone")
                .isEqualTo(netty);
    }

    /**
     * What a channel with {@code handlers} makes of the input: one line per response, and a last line for a typed
     * codec error (no byte is written after one: the consumer closes the connection). Fails on an unchecked
     * exception or a buffer still referenced once the channel is done.
     */
    private static List<String> decode(String side, Input input, Supplier<ChannelHandler[]> handlers) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers.get());
        List<ByteBuf> written = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try {
            for (byte[] write : input.writes()) {
                ByteBuf buf = Unpooled.copiedBuffer(write);
                written.add(buf);
                channel.writeInbound(buf);
                drain(channel, seen);
            }
            if (input.ends()) {
                channel.finish();
                drain(channel, seen);
            }
        } catch (CodecException e) {
            drain(channel, seen);
            seen.add("error " + typed(e));
        } finally {
            close(channel);
        }
        for (ByteBuf buf : written) {
            if (buf.capacity() > 0) { // not the shared empty buffer, which is never released
                assertThat(buf.refCnt()).as("references left by %s to a buffer written in", side).isZero();
            }
        }
        return seen;
    }

    /**
     * Closes the channel as the consumer does, and drops what that still makes (an incomplete response's error,
     * which the consumer reports as a closed connection): the comparison is of what the input made.
     */
    private static void close(EmbeddedChannel channel) {
        try {
            channel.finishAndReleaseAll();
        } catch (CodecException e) {
            typed(e);
        }
    }

    /** The decoder error's description; fails when it is not typed all the way down (an unchecked exception). */
    private static String typed(CodecException e) {
        Throwable cause = e.getCause();
        if (cause != null && !(cause instanceof CodecException)) {
            throw new AssertionError("an unchecked exception while decoding: " + cause, cause);
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void drain(EmbeddedChannel channel, List<String> seen) {
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            try {
                seen.add(describe(msg));
            } finally {
                ReferenceCountUtil.release(msg instanceof ResponseFrame frame ? frame.content() : msg);
            }
        }
    }

    private static String describe(Object msg) {
        if (msg instanceof ResponseFrame frame) {
            return response(frame.code(), frame.status() == null ? null : frame.status().reasonPhrase(),
                    frame.requestId(), frame.content());
        }
        if (msg instanceof FullHttpResponse r) {
            if (!r.decoderResult().isSuccess()) {
                Throwable cause = r.decoderResult().cause();
                return "invalid " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
            return response(r.status().code(), r.status().code() / 100 == 2 ? null : r.status().reasonPhrase(),
                    r.headers().get(WireContract.REQUEST_ID_HEADER), r.content());
        }
        if (msg instanceof ByteBuf raw) { // what Netty's decoder passes on untouched after a 101 response
            return "raw " + ByteBufUtil.hexDump(raw);
        }
        throw new AssertionError("an unexpected message: " + msg);
    }

    private static String response(int code, String reason, String id, ByteBuf body) {
        return code + " " + reason + " id=" + id + " body=" + ByteBufUtil.hexDump(body) + " ("
                + body.toString(StandardCharsets.ISO_8859_1).length() + " bytes)";
    }
}
