package dev.rpcharness.provider.internal.server;

import dev.rpcharness.protocol.WireContract;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Turns one connection's requests into calls: a {@link CallRequest} from the fast path, or a full request from
 * Netty's decoder, is checked (path, method, body, request id), decoded, and handed to the {@link CallDispatcher};
 * what is not a call is answered with its error, in turn with the connection's other answers. Remembers the
 * previous request id of the connection (the wrong-request-id fault answers with it).
 *
 * <p>Threading: one per connection, on its event loop only. The request's body stays the caller's to release.
 */
final class CallIntake {

    private final CallDispatcher dispatcher;
    private final ServerConnection connection;
    private String lastRequestId;
    /** Reused for parsing bodies on this connection's event loop; grown on demand up to the decoder's limit. */
    private byte[] scratch = new byte[1024];

    CallIntake(CallDispatcher dispatcher, ServerConnection connection) {
        this.dispatcher = dispatcher;
        this.connection = connection;
    }

    /** A plain call read by the fast path. */
    void accept(CallRequest request) {
        call(request.requestId(), request.body(), request.keepAlive(), request.budgetNanos(), request.callSeq(),
                request.clientId(), request.deadlineMillis());
    }

    /** A request as Netty's decoder and aggregator gave it. */
    void accept(FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            // The framing is lost: answer and close at once, ahead of anything queued.
            connection.writeRawAndClose(WireAnswer.closing(400, null, "text/plain",
                    ("malformed HTTP request: " + req.decoderResult().cause()).getBytes(StandardCharsets.UTF_8))
                    .bytes());
            return;
        }
        String headerId = req.headers().get(WireContract.REQUEST_ID_HEADER);
        String path = path(req.uri());
        if (!WireContract.CALL_PATH.equals(path)) {
            answer(404, headerId, "no such path " + path + "; calls go to POST " + WireContract.CALL_PATH);
            return;
        }
        if (!HttpMethod.POST.equals(req.method())) {
            answer(405, headerId, "method " + req.method() + " not allowed; calls are POST");
            return;
        }
        call(headerId, req.content(), HttpUtil.isKeepAlive(req),
                CallHeaders.budgetNanos(CallHeaders.positiveDecimal(req.headers().get(WireContract.TIMEOUT_HEADER))),
                CallHeaders.positiveDecimal(req.headers().get(WireContract.CALL_SEQ_HEADER)),
                req.headers().get(WireContract.CLIENT_ID_HEADER),
                CallHeaders.positiveDecimal(req.headers().get(WireContract.DEADLINE_HEADER)));
    }

    /** A {@code POST /rpc}: decodes its body and dispatches the call. */
    private void call(String headerId, ByteBuf body, boolean keepAlive, long budgetNanos, long callSeq,
                      String clientId, long deadlineMillis) {
        int length = body.readableBytes();
        if (length > scratch.length && length <= CallDecoder.SCRATCH_LIMIT) {
            scratch = new byte[Math.min(CallDecoder.SCRATCH_LIMIT, Math.max(length, scratch.length * 2))];
        }
        DecodedCall request;
        try {
            request = dispatcher.decoder().decode(body, scratch, headerId == null);
        } catch (CallDecoder.NotACallException e) {
            answer(400, headerId, "body is not an RPC call: " + e.getMessage());
            return;
        }
        String id = headerId != null ? headerId : request.requestId;
        if (id == null) {
            answer(400, null, "call " + request.label() + " has no request id");
            return;
        }
        String previous = lastRequestId;
        lastRequestId = id;
        dispatcher.dispatch(connection, new CallDispatcher.Call(id, previous, request, System.nanoTime(), keepAlive,
                budgetNanos, callSeq, clientId == null || clientId.isEmpty() ? null : clientId, deadlineMillis));
    }

    /** Answers a request that is not a call with a plain-text error, in turn with the connection's answers. */
    private void answer(int status, String id, String message) {
        connection.answerInTurn(WireAnswer.of(status, id, "text/plain; charset=utf-8",
                message.getBytes(StandardCharsets.UTF_8)));
    }

    /** The decoded path of a request target; the call path itself without building a decoder. */
    static String path(String uri) {
        return WireContract.CALL_PATH.equals(uri) ? uri : new QueryStringDecoder(uri).path();
    }
}
