package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.internal.callback.CallbackExecutor;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The first handler of a provider connection's pipeline: the callbacks of the calls a read batch completes are
 * handed to the client's own callback threads together, when the batch ends, rather than one by one
 * ({@link CallbackExecutor#hold}, {@link CallbackExecutor#release}). One queue entry and at most one wake-up of a
 * callback thread per read batch; callbacks still never run on the I/O thread.
 *
 * <p>A batch ends at {@code channelReadComplete}, and also when the channel goes inactive or reports an exception
 * (the calls failed then are released with it); the executor also releases it at the end of the event loop's
 * turn, so no callback waits longer than one turn whatever the pipeline fires. With a user's callback executor it
 * does nothing.
 *
 * <p>Threading: every method runs on the channel's event loop; stateless, so one instance serves all the
 * connections of a client.
 */
@Sharable
final class CallbackBatchHandler extends ChannelInboundHandlerAdapter {

    private final CallbackExecutor callbacks;

    CallbackBatchHandler(CallbackExecutor callbacks) {
        this.callbacks = callbacks;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        callbacks.hold(ctx.executor());
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        try {
            ctx.fireChannelReadComplete();
        } finally {
            callbacks.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        try {
            ctx.fireChannelInactive();
        } finally {
            callbacks.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        try {
            ctx.fireExceptionCaught(cause);
        } finally {
            callbacks.release();
        }
    }
}
