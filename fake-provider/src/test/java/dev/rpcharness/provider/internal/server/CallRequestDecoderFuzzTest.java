package dev.rpcharness.provider.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.internal.server.CallRequestBytes.Input;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fuzzes the provider's request fast path with bytes in: for whatever a consumer writes ({@link CallRequestBytes}),
 * {@link CallRequestDecoder} in front of Netty's {@link HttpRequestDecoder} and {@link HttpObjectAggregator}
 * reaches the same decision as those two alone: each call it accepts is the request Netty decodes from the same
 * bytes (method, uri and version of the contract's call; request id, timeout, call sequence and keep-alive as
 * Netty's headers give them; the same body), and from its first refusal on, Netty's decoder gets every byte and
 * decides as it would alone (the same requests, the same invalid ones, the same codec error, the same answers the
 * aggregator writes). Never an unchecked exception, and every buffer written in is released once the channel is
 * done.
 *
 * <p>Runs as a Jazzer {@code @FuzzTest} (in {@code mvn verify} it replays the committed inputs under
 * {@code src/test/resources/dev/rpcharness/provider/CallRequestDecoderFuzzTestInputs/}; with {@code JAZZER_FUZZ=1}
 * it fuzzes, coverage-guided) and as a seeded sweep: {@code -Drpc.fuzz.tries=N}, {@code -Drpc.fuzz.seconds=S},
 * {@code -Drpc.fuzz.seed=X} as for the consumer's fuzz tests (docs/fuzzing.md). Each try runs on JUnit's thread.
 */
class CallRequestDecoderFuzzTest {

    private static final int MAX = CallRequestBytes.maxBodyBytes();

    @FuzzTest(maxDuration = "2m")
    void decidesAsNettyDecides(FuzzedDataProvider data) {
        check(CallRequestBytes.next(data::consumeInt), "this fuzzer input");
    }

    @TestFactory
    Stream<DynamicTest> seededDecidesAsNettyDecides() {
        int tries = Integer.getInteger("rpc.fuzz.tries", 2000);
        long seconds = Long.getLong("rpc.fuzz.seconds", 0);
        long first = Long.getLong("rpc.fuzz.seed", ThreadLocalRandom.current().nextLong());
        System.out.printf("decidesAsNettyDecides: %d tries from seed %d%n", tries, first);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds > 0 ? seconds : 1L << 30);
        return LongStream.range(0, tries).takeWhile(i -> System.nanoTime() - deadline < 0).mapToObj(i -> first + i)
                .map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
                    Random random = new Random(seed);
                    check(CallRequestBytes.next((min, max) -> min + (int) (random.nextDouble() * ((long) max - min + 1))),
                            "seed " + seed + " (replay: -Drpc.fuzz.seed=" + seed + " -Drpc.fuzz.tries=1)");
                }));
    }

    private static void check(Input input, String where) {
        List<String> fast;
        List<String> netty;
        try {
            fast = decode("the fast path", input, () -> new ChannelHandler[] {new CallRequestDecoder(MAX),
                new HttpRequestDecoder(), new HttpObjectAggregator(MAX)});
            netty = decode("Netty's decoder", input, () -> new ChannelHandler[] {new HttpRequestDecoder(),
                new HttpObjectAggregator(MAX)});
            assertThat(fast).as("what the fast path and its fallback made of the bytes, against Netty alone")
                    .isEqualTo(netty);
        } catch (AssertionError e) {
            throw new AssertionError("falsified by " + where + ": " + e.getMessage() + "\n  case: " + input, e);
        }
    }

    /**
     * What a channel with {@code handlers} makes of the input: one line per request it passes on, per answer the
     * aggregator writes, and a last one for a codec error (nothing is written after one). Fails on an unchecked
     * exception or a buffer still referenced once the channel is done.
     */
    private static List<String> decode(String side, Input input, Supplier<ChannelHandler[]> handlers) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers.get());
        List<ByteBuf> written = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try {
            for (byte[] write : input.writes()) {
                if (!channel.isOpen()) {
                    break; // the aggregator closed it (a request over the limit)
                }
                ByteBuf buf = Unpooled.copiedBuffer(write);
                written.add(buf);
                channel.writeInbound(buf);
                drain(channel, seen);
            }
            if (input.ends()) {
                channel.finish();
                drain(channel, seen);
            }
        } catch (Exception e) {
            drain(channel, seen);
            seen.add("error " + typed(e));
        } finally {
            try {
                channel.finishAndReleaseAll();
            } catch (Exception e) {
                typed(e); // an incomplete request when the connection closes: nothing to compare
            }
        }
        for (ByteBuf buf : written) {
            if (buf.capacity() > 0) { // not the shared empty buffer, which is never released
                assertThat(buf.refCnt()).as("references left by %s to a buffer written in", side).isZero();
            }
        }
        return seen;
    }

    /**
     * The description of an exception the pipeline raised: a codec error (whose cause, if any, is one too), or a
     * checked one, such as the {@code ClosedChannelException} of an answer the aggregator writes (a 100 Continue)
     * after it closed the connection over an earlier request; fails on an unchecked exception.
     */
    private static String typed(Exception e) {
        Throwable unchecked = e instanceof CodecException ? e.getCause() : e;
        if (unchecked instanceof RuntimeException && !(unchecked instanceof CodecException)) {
            throw new AssertionError("an unchecked exception while decoding: " + unchecked, unchecked);
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void drain(EmbeddedChannel channel, List<String> seen) {
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            try {
                seen.add(describe(msg));
            } finally {
                ReferenceCountUtil.release(msg instanceof CallRequest call ? call.body() : msg);
            }
        }
        while ((msg = channel.readOutbound()) != null) {
            try {
                seen.add(msg instanceof FullHttpResponse r ? "answered " + r.status() : "wrote " + msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private static String describe(Object msg) {
        if (msg instanceof CallRequest call) {
            return call("POST " + WireContract.CALL_PATH + " HTTP/1.1", call.requestId(), call.clientId(),
                    call.budgetNanos(), call.callSeq(), call.deadlineMillis(), call.keepAlive(), call.body());
        }
        if (msg instanceof FullHttpRequest r) {
            if (!r.decoderResult().isSuccess()) {
                Throwable cause = r.decoderResult().cause();
                return "invalid " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
            // the numbers as the intake reads Netty's header strings: the fast path must read the bytes the same
            return call(r.method() + " " + r.uri() + " " + r.protocolVersion(),
                    r.headers().get(WireContract.REQUEST_ID_HEADER), r.headers().get(WireContract.CLIENT_ID_HEADER),
                    CallHeaders.budgetNanos(CallHeaders.positiveDecimal(r.headers().get(WireContract.TIMEOUT_HEADER))),
                    CallHeaders.positiveDecimal(r.headers().get(WireContract.CALL_SEQ_HEADER)),
                    CallHeaders.positiveDecimal(r.headers().get(WireContract.DEADLINE_HEADER)), HttpUtil.isKeepAlive(r),
                    r.content());
        }
        throw new AssertionError("an unexpected message: " + msg);
    }

    private static String call(String line, String id, String clientId, long budgetNanos, long seq, long deadline,
                               boolean keepAlive, ByteBuf body) {
        return line + " id=" + id + " client=" + clientId + " budget=" + budgetNanos + " seq=" + seq + " deadline=" + deadline + " keepAlive="
                + keepAlive + " body=" + ByteBufUtil.hexDump(body);
    }
}
