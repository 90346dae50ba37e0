package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.codec.RequestEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;

/**
 * The write side of a provider connection: the requests of a drain, encoded into chunks of about
 * {@link #CHUNK_BYTES} handed to the channel as they fill (a buffer, an outbound entry and a write through the
 * pipeline per chunk instead of per call), and the ids of the batch written since the last flush, whose one promise
 * reports a failed write for exactly those calls.
 *
 * <p>Threading: the channel's event loop only. Lifecycle: one per {@link ConsumerHandler}, attached when the handler
 * is added; {@link #release} when it is removed.
 */
final class RequestChunks {

    /**
     * Requests are encoded into one buffer until it holds this many bytes, then it goes to the channel. Small
     * against the channel's write buffer water marks, so writability (checked before each call) still follows the
     * bytes written.
     */
    static final int CHUNK_BYTES = 8 * 1024;

    /** Told which calls' write failed: ids {@code first..last}, those still in flight fail. */
    @FunctionalInterface
    interface WriteFailure {
        void failed(long first, long last, Throwable cause);
    }

    private final RequestEncoder encoder;
    private ChannelHandlerContext ctx;
    /** The promise of each chunk's write: it reports nothing; the batch's own promise does (see flush). */
    private ChannelPromise silent;
    /** Ids of the calls written since the last flush, from the first to the last; 0 when none. */
    private long batchFirstId;
    private long batchLastId;
    /** The wall clock of the batch's deadline headers, read at its first call. */
    private long batchWallMillis;
    /** Requests encoded and not yet handed to the channel, or null; only between a drain's writes and its flush. */
    private ByteBuf chunk;

    RequestChunks(RequestEncoder encoder) {
        this.encoder = encoder;
    }

    void attach(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.silent = new VoidChannelPromise(ctx.channel(), false);
    }

    /** Releases a chunk left unhanded (only if a drain stopped between a write and its flush). */
    void release() {
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }

    /**
     * Encodes the request of call {@code id} into the current chunk, announcing {@code budgetMillis}.
     *
     * @throws RuntimeException when the request cannot be built; none of its bytes are then kept
     */
    void add(long id, RpcCall call, long budgetMillis) {
        if (batchFirstId == 0) {
            batchWallMillis = encoder.wallMillis();
        }
        int mark = -1;
        try {
            int need = encoder.maxBytes(call.method(), call.arguments(), budgetMillis, call.callTimeoutMillis(),
                    call.seq(), call.attempt());
            if (chunk == null || chunk.writableBytes() < need) {
                passChunk();
                chunk = ctx.alloc().buffer(Math.max(CHUNK_BYTES, need));
            }
            mark = chunk.writerIndex();
            encoder.encodeInto(chunk, batchWallMillis, id, call.method(), call.arguments(), budgetMillis,
                    call.callTimeoutMillis(), call.seq(), call.attempt());
        } catch (RuntimeException e) {
            if (mark >= 0) {
                chunk.writerIndex(mark); // none of this call's bytes go out
            }
            throw e;
        }
        if (batchFirstId == 0) {
            batchFirstId = id;
        }
        batchLastId = id;
        if (chunk.readableBytes() >= CHUNK_BYTES) {
            passChunk();
        }
    }

    /** Hands the chunk of encoded requests to the channel (unflushed), if there is one. */
    private void passChunk() {
        ByteBuf c = chunk;
        if (c != null) {
            chunk = null;
            if (c.isReadable()) {
                ctx.write(c, silent);
            } else {
                c.release();
            }
        }
    }

    /**
     * Flushes the calls written since the last flush. The batch shares one promise, on an empty buffer written
     * after them (it completes once the bytes before it are written): when the write fails, {@code onFailure}
     * hears the batch's ids.
     */
    void flush(WriteFailure onFailure) {
        passChunk();
        if (batchFirstId != 0) {
            long first = batchFirstId;
            long last = batchLastId;
            batchFirstId = 0;
            ChannelPromise promise = ctx.newPromise();
            promise.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    onFailure.failed(first, last, f.cause());
                }
            });
            ctx.write(Unpooled.EMPTY_BUFFER, promise);
        }
        ctx.flush();
    }
}
