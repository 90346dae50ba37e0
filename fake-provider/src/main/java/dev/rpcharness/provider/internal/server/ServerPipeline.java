package dev.rpcharness.provider.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * The one definition of a provider connection's pipeline: its handlers and their order, where raw answers are
 * written from, and the switch from the request fast path to Netty's HTTP decoding. In order:
 * <ol>
 *   <li>{@value #FLUSH}: a {@link FlushConsolidationHandler}; answers written during a read batch leave with one
 *       flush at its end (one send for many pipelined answers), answers written later (delayed, from workers)
 *       share one flush per event-loop turn, and a close flushes what is pending first, so no fault overtakes an
 *       earlier answer;</li>
 *   <li>{@value #FAST_PATH}: the {@link CallRequestDecoder}, which reads the contract's plain call straight from
 *       the bytes, and hands over (see {@link #handOverToNetty}) at the first request it does not take;</li>
 *   <li>{@value #DECODER}, {@value #ENCODER}: Netty's {@link HttpRequestDecoder} and {@link HttpResponseEncoder}
 *       (the encoder serves the aggregator's own answers, such as 413 and 100-continue);</li>
 *   <li>{@value #SINGLE_CHUNK}: {@link SingleChunkRequests}, which joins a head and its one body without the
 *       aggregator's copy;</li>
 *   <li>{@value #AGGREGATOR}: Netty's {@link HttpObjectAggregator} for everything else;</li>
 *   <li>{@value #CONNECTION}: the {@link ServerConnection}, which receives {@link CallRequest}s and full HTTP
 *       requests alike.</li>
 * </ol>
 * The connection writes its answers as raw bytes from the context of {@value #RAW_WRITES}: behind the flush
 * consolidation, ahead of the HTTP encoder.
 *
 * <p>Threading: shared by the server's connections; {@link #initChannel} runs on each new channel's event loop,
 * {@link #handOverToNetty} on the connection's.
 */
final class ServerPipeline extends ChannelInitializer<Channel> {

    static final String FLUSH = "flush";
    static final String FAST_PATH = "call-request";
    static final String DECODER = "decoder";
    static final String ENCODER = "encoder";
    static final String SINGLE_CHUNK = "single-chunk";
    static final String AGGREGATOR = "aggregator";
    static final String CONNECTION = "rpc";
    /** The handler whose context raw answers are written from. */
    static final String RAW_WRITES = DECODER;

    private final CallDispatcher dispatcher;
    private final ConnectionSet connections;
    private final int maxRequestBytes;

    /** @param maxRequestBytes the largest request body accepted, on the fast path and by the aggregator alike */
    ServerPipeline(CallDispatcher dispatcher, ConnectionSet connections, int maxRequestBytes) {
        this.dispatcher = dispatcher;
        this.connections = connections;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast(FLUSH, new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                .addLast(FAST_PATH, new CallRequestDecoder(maxRequestBytes))
                .addLast(DECODER, new HttpRequestDecoder())
                .addLast(ENCODER, new HttpResponseEncoder())
                .addLast(SINGLE_CHUNK, new SingleChunkRequests(maxRequestBytes))
                .addLast(AGGREGATOR, new HttpObjectAggregator(maxRequestBytes))
                .addLast(CONNECTION, new ServerConnection(dispatcher, connections));
    }

    /**
     * Leaves the fast path for good: removes it, and Netty's decoder behind it receives every byte it had not
     * consumed (a {@code ByteToMessageDecoder} passes its unread input on when removed), so the request that made
     * it hand over, and every one after it, is decoded exactly as without a fast path.
     */
    static void handOverToNetty(ChannelHandlerContext fastPath) {
        fastPath.pipeline().remove(fastPath.handler());
    }

    /** Whether the connection's requests are still read by the fast path; a snapshot. */
    static boolean onFastPath(ChannelPipeline pipeline) {
        return pipeline.get(FAST_PATH) != null;
    }

    /** The context raw answers are written from. */
    static ChannelHandlerContext rawWrites(ChannelPipeline pipeline) {
        return pipeline.context(RAW_WRITES);
    }
}
