package dev.rpcharness.consumer.internal.transport;

import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.internal.call.RpcCall;
import dev.rpcharness.consumer.internal.codec.RequestEncoder;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.MalformedBodyException;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.Outcome;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder.ResultMismatchException;
import dev.rpcharness.consumer.internal.codec.ResponseDecoder;
import dev.rpcharness.consumer.internal.transport.ResponseFrameDecoder.ResponseFrame;
import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a provider connection's pipeline: owns the calls in flight on that one channel.
 *
 * <p>Threading: every method runs on the channel's event loop, so the pending map and the request id counter
 * need no lock. Request ids count up from 1 per channel, so an id at or below the last one sent belongs to a call
 * that already ended (dropped quietly), while any other id was never sent here (a protocol violation).
 *
 * <p>Every call written here ends exactly once: with its response, at its deadline (the connection's timer on the
 * event loop calls {@link #deadlineReached}), when the write fails, when the channel closes (connection lost), or on
 * a protocol violation, which closes the channel and fails every call in flight on it. Each end is reported to the
 * {@link ProviderConnection} (provider fault or not) for outlier detection; writability changes too. A 1xx status
 * is a protocol violation, and so is a partial response that has waited a whole call timeout when a call times out
 * (the connection could deliver nothing after it).
 */
final class ConsumerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConsumerHandler.class);
    private final String address;
    private final RequestChunks requests;
    private final RequestChunks.WriteFailure onWriteFailure = this::failWritten;
    private final BodyDecoder decoder;
    private final ResponseProgress progress;
    private final ProviderConnection owner;
    private final PendingCalls pending = new PendingCalls();
    private ChannelHandlerContext ctx;
    private int localPort;
    private boolean closeWhenIdle;
    private boolean violated;
    /** The pushback header of the response being handled (Netty's decoder path only), else null. */
    private String pushback;

    ConsumerHandler(String address, String clientId, ResponseDecoder decoder, ResponseProgress progress,
                    ProviderConnection owner) {
        this.address = address;
        this.requests = new RequestChunks(new RequestEncoder(address, clientId));
        this.decoder = new BodyDecoder(decoder);
        this.progress = progress;
        this.owner = owner;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        requests.attach(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        requests.release();
    }

    /** This channel's local port (names the connection in a call history); 0 when unknown. Event loop only. */
    private int localPort() {
        if (localPort == 0 && ctx.channel().localAddress() instanceof InetSocketAddress local) {
            localPort = local.getPort();
        }
        return localPort;
    }

    /** Calls in flight on this channel. Event loop only. */
    int inFlight() {
        return pending.size();
    }

    /**
     * Writes a call without flushing; the connection flushes once per batch. The call's deadline timer is already
     * running (the connection started it when it took the call). {@code nowNanos} is the batch's
     * {@link System#nanoTime()} reading, from which the budget announced is counted; the wall clock of the deadline
     * header is read once per batch too. Event loop only.
     */
    void write(RpcCall call, long nowNanos) {
        if (call.future().isDone()) {
            return; // ended while queued (cancelled, client closed, deadline)
        }
        if (call.callAlreadyEnded()) {
            call.future().cancel(false); // a hedge or retry whose call another attempt ended: never sent
            return;
        }
        long id = pending.add(call);
        call.sentTo(address, localPort());
        // The remaining budget, rounded up: a call written at once announces its whole timeout.
        long budgetMillis = Math.max(1, Math.min(call.callTimeoutMillis(),
                (call.remainingNanos(nowNanos) + 999_999L) / 1_000_000L));
        try {
            requests.add(id, call, budgetMillis);
        } catch (RuntimeException e) {
            end(id, call, new RpcException(call.method().label() + ": cannot build request: " + e, e));
        }
    }

    /**
     * Flushes the calls written since the last flush. The batch shares one promise, on an empty buffer written
     * after them (it completes once the bytes before it are written): when the write fails, exactly the calls of
     * this batch still in flight fail. Event loop only.
     */
    void flush() {
        requests.flush(onWriteFailure);
    }

    /** Fails the calls with ids {@code first..last} that are still in flight: their write failed. */
    private void failWritten(long first, long last, Throwable cause) {
        for (long id = first; id <= last; id++) {
            RpcCall call = pending.get(id);
            if (call != null) {
                end(id, call, call.connectionLost("write failed: " + cause));
            }
        }
    }

    /** The call's deadline passed while it was in flight here: it times out. Event loop only. */
    void deadlineReached(RpcCall call) {
        long id = call.requestId();
        if (pending.remove(id, call)) {
            call.future().fail(call.timedOut(call.callTimeoutMillis()));
            long stalledMillis = TimeUnit.NANOSECONDS.toMillis(progress.partialNanos(System.nanoTime()));
            if (stalledMillis >= call.callTimeoutMillis()) {
                // A response that stays incomplete for a whole call timeout (no length, less than announced) holds
                // every later response behind it: the connection will deliver nothing more.
                violation("response stalled: " + progress.bytesSinceResponse()
                        + " bytes without a complete response for " + stalledMillis + " ms");
                return;
            }
            owner.callEnded(true); // also when the caller gave up first: the provider did not answer in time
            closeIfIdle();
        }
    }

    /** Drops an attempt that ended elsewhere from the pending map; its late answer will be dropped. */
    void forget(RpcCall attempt) {
        if (attempt.written() && pending.remove(attempt.requestId(), attempt)) {
            attempt.cancelDeadline();
            closeIfIdle();
        }
    }

    /** Ends one pending call with {@code error}, if it is still pending under {@code id}. */
    private void end(long id, RpcCall call, RpcException error) {
        if (pending.remove(id, call)) {
            call.cancelDeadline();
            if (call.future().fail(error)) {
                owner.callEnded(true);
            }
            closeIfIdle();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        owner.writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ResponseFrame frame) {
            try {
                if (!violated) {
                    progress.responseComplete();
                    onResponse(frame.success(), frame.status(), frame.id(), frame.idText(), frame.content());
                }
            } finally {
                frame.content().release();
            }
        } else if (msg instanceof FullHttpResponse response) {
            try {
                if (violated) {
                    return;
                }
                progress.responseComplete();
                if (!response.decoderResult().isSuccess()) {
                    violation("malformed HTTP response: " + response.decoderResult().cause());
                    return;
                }
                if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                    // The contract has no interim responses; after a 101 Netty's decoder passes every later byte
                    // through undecoded, so the connection could never deliver another response. (The fast path
                    // never takes a 1xx: it hands such a response to Netty's decoder, which brings it here.)
                    violation("HTTP " + response.status() + ": an interim (1xx) response, which the contract does"
                            + " not use");
                    return;
                }
                pushback = response.headers().get(WireContract.PUSHBACK_HEADER);
                try {
                    onResponse(response.status().codeClass() == HttpStatusClass.SUCCESS, response.status(), -1,
                            response.headers().get(WireContract.REQUEST_ID_HEADER), response.content());
                } finally {
                    pushback = null;
                }
            } finally {
                response.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * One complete response, from the fast path or from Netty's decoder: its status (2xx or not), the status as
     * named in messages, the request-id header (as a number {@code headerId} when the fast path read it as one,
     * else -1 and its text {@code idHeader}, null when absent) and the body (not released here).
     */
    private void onResponse(boolean success, HttpResponseStatus status, long headerId, String idHeader,
                            ByteBuf content) {
        long id = headerId;
        String idText = idHeader;
        if (id < 0 && idText == null) {
            if (!success) {
                violation("HTTP " + status + " without " + WireContract.REQUEST_ID_HEADER);
                return;
            }
            try {
                idText = decoder.requestId(content);
            } catch (MalformedBodyException e) {
                violation("response without " + WireContract.REQUEST_ID_HEADER + " and " + e.getMessage());
                return;
            }
            if (idText == null) {
                violation("response carries no request id, neither header nor body");
                return;
            }
        }
        if (id < 0) {
            id = PendingCalls.parseId(idText);
        }
        if (!pending.wasSent(id)) {
            violation("response for request id '" + (idText != null ? idText : Long.toString(id))
                    + "', never sent on this connection");
            return;
        }
        RpcCall call = pending.remove(id);
        if (call == null) {
            log.debug("dropping late response for request {} from {}: the call already ended", id, address);
            return;
        }
        call.cancelDeadline();
        if (pushback != null) {
            call.pushback(pushback);
        }
        if (!success) {
            call.future().fail(call.protocolError("HTTP " + status));
            owner.callEnded(true);
            closeIfIdle();
            return;
        }
        try {
            Outcome outcome = decoder.decode(content, call.method());
            if (outcome.error() != null) {
                call.future().fail(call.remoteError(outcome.error()));
            } else {
                call.future().complete(outcome.result());
            }
            owner.callEnded(false);
            closeIfIdle();
        } catch (ResultMismatchException e) {
            call.future().fail(call.protocolError(e.getMessage()));
            owner.callEnded(true);
            closeIfIdle();
        } catch (MalformedBodyException e) {
            call.future().fail(call.protocolError(e.getMessage()));
            violation("unparsable response body for request " + id + ": " + e.getMessage());
        } catch (RuntimeException | Error e) {
            // Anything else the decoder throws (a result type's failing initializer, a broken custom
            // deserializer) still ends this call, and the connection's framing is intact.
            log.warn("decoding the result of {} from {} failed: {}", call.method().label(), address, e.toString());
            call.future().fail(call.protocolError("cannot decode the result: " + e));
            owner.callEnded(false); // the balancer learns of every end; a client-side decoding failure is no fault
            closeIfIdle();
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
    }

    /** The provider broke the contract in a way that makes the channel untrustworthy: fail all, close. */
    private void violation(String reason) {
        if (violated) {
            return; // already closing (the aggregator may report the cut-off response too): one fault, one warning
        }
        violated = true;
        owner.callEnded(true);
        log.warn("protocol violation by {}: {}; closing the connection and failing {} call(s) in flight", address,
                reason, pending.size());
        failAll(call -> call.protocolError(reason + "; connection closed"));
        ctx.close();
    }

    /**
     * Fails every call in flight with the error {@code reason} builds for it. Event loop only. Each call is let go
     * as soon as it is failed, so hundreds of thousands of failed calls (and their errors) are never all held at
     * once here.
     */
    void failAll(Function<RpcCall, RpcException> reason) {
        if (pending.isEmpty()) {
            return;
        }
        List<RpcCall> calls = pending.takeAll();
        for (int i = 0; i < calls.size(); i++) {
            RpcCall call = calls.set(i, null);
            call.cancelDeadline();
            try {
                call.future().fail(reason.apply(call));
            } catch (RuntimeException e) {
                log.warn("failing a call in flight on {} threw {}", address, e.toString());
            }
        }
    }

    /** Closes the channel once no call is in flight (at once if none is). Event loop only. */
    void closeWhenIdle() {
        closeWhenIdle = true;
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (closeWhenIdle && pending.isEmpty()) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        failPartialResponse();
        if (!pending.isEmpty() && !violated) {
            owner.callEnded(true); // lost with calls in flight: one provider fault
        }
        failAll(call -> call.connectionLost("connection to " + address + " closed"));
        super.channelInactive(ctx);
    }

    /**
     * The connection ends with bytes received that never became a response (garbage, a cut-off status line or
     * header): that is the provider's protocol error, not a plain connection loss.
     */
    private void failPartialResponse() {
        long partial = progress.bytesSinceResponse();
        if (partial > 0 && !violated && !pending.isEmpty()) {
            violated = true;
            String reason = "connection ended after " + partial + " bytes that are not a complete response";
            log.warn("protocol violation by {}: {}; failing {} call(s) in flight", address, reason, pending.size());
            failAll(call -> call.protocolError(reason));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            violation("oversized response: " + cause.getMessage());
        } else if (cause instanceof PrematureChannelClosureException) {
            violation("truncated response: the connection closed inside a response (" + cause.getMessage() + ")");
        } else if (cause instanceof IOException) {
            log.debug("connection to {} failed: {}", address, cause.toString());
            failPartialResponse();
            String why = "connection to " + address + " failed: " + cause.getMessage();
            failAll(call -> call.connectionLost(why));
            ctx.close();
        } else {
            violation("cannot decode response: " + cause);
        }
    }
}
