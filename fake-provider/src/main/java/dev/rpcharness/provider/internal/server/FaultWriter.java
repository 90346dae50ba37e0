package dev.rpcharness.provider.internal.server;

import dev.rpcharness.protocol.RpcError;
import dev.rpcharness.protocol.RpcResponse;
import dev.rpcharness.protocol.WireContract;
import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultDecider;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Puts one call's answer on the wire, changed as its answer-fault says (or unchanged without one). Each fault
 * kind's bytes are documented on {@link dev.rpcharness.provider.fault.FaultKind}; here they are made.
 * Created on the event loop, {@link #withOutcome} may run on a worker, the returned write runs on the event loop.
 */
final class FaultWriter {

    /** Size of one slow-drip chunk of the body. */
    static final int DRIP_CHUNK_BYTES = 8;
    /** Length of a garbage answer. */
    static final int GARBAGE_BYTES = 64;
    /** Prefix of the ids the unknown-id fault invents; no consumer sends such an id. */
    static final String UNKNOWN_ID_PREFIX = "unknown-";

    private final CallDispatcher dispatcher;
    private final CallDispatcher.Call call;
    private final Fault fault;
    private final FaultDecider decider;
    private final CallCounters.Method counters;

    FaultWriter(CallDispatcher dispatcher, CallDispatcher.Call call, Fault fault, FaultDecider decider,
                CallCounters.Method counters) {
        this.counters = counters;
        this.dispatcher = dispatcher;
        this.call = call;
        this.fault = fault;
        this.decider = decider;
    }

    /** Whether this fault writes the real answer (so the implementation must run first). */
    static boolean needsOutcome(Fault fault) {
        switch (fault.kind()) {
            case ERROR:
            case HTTP_STATUS:
            case PUSHBACK:
            case RESET:
            case CLOSE_WITHOUT_ANSWER:
            case HANG:
            case GARBAGE:
                return false;
            default:
                return true;
        }
    }

    /**
     * The write for this call given the implementation's outcome (null when the fault does not need it). Encodes
     * the normal body on the calling thread.
     */
    PendingWrite withOutcome(RpcResponse outcome) {
        byte[] body = outcome == null ? null : dispatcher.encode(outcome, call.requestId());
        return new PendingWrite() {
            @Override
            public void write(ServerConnection connection) {
                apply(connection, outcome, body);
            }

            @Override
            public void drop() {
                dispatcher.finished();
            }
        };
    }

    private void answered() {
        dispatcher.stats().recordAnswered(counters);
        dispatcher.finished();
    }

    private void apply(ServerConnection c, RpcResponse outcome, byte[] body) {
        String id = call.requestId();
        if (fault == null) {
            answered();
            send(c, WireContract.CONTENT_TYPE, 200, body);
            return;
        }
        switch (fault.kind()) {
            case ERROR: {
                RpcResponse error = RpcResponse.failure(id, new RpcError(fault.remoteType(), fault.message()));
                answered();
                send(c, WireContract.CONTENT_TYPE, 200, dispatcher.encode(error, id));
                return;
            }
            case HTTP_STATUS: {
                byte[] text = ("injected HTTP status " + fault.httpStatus() + " for " + call.label())
                        .getBytes(StandardCharsets.UTF_8);
                answered();
                send(c, "text/plain; charset=utf-8", fault.httpStatus(), text);
                return;
            }
            case PUSHBACK: {
                byte[] text = ("injected pushback " + fault.pushbackHeader() + " for " + call.label())
                        .getBytes(StandardCharsets.UTF_8);
                String head = new String(WireAnswer.head(fault.httpStatus(), id, "text/plain; charset=utf-8",
                        text.length, false), StandardCharsets.ISO_8859_1);
                head = head.substring(0, head.length() - 2) + WireContract.PUSHBACK_HEADER + ": "
                        + fault.pushbackHeader() + "\r\n\r\n";
                answered();
                c.writeNow(new WireAnswer(head.getBytes(StandardCharsets.ISO_8859_1), text));
                return;
            }
            case RESET:
                c.reset();
                dispatcher.finished();
                return;
            case CLOSE_WITHOUT_ANSWER:
                c.closeGracefully();
                dispatcher.finished();
                return;
            case GARBAGE: {
                byte[] junk = new byte[GARBAGE_BYTES];
                decider.nextBytes(junk);
                junk[0] = 0x01; // never "HTTP/"
                c.writeRaw(junk);
                dispatcher.finished();
                return;
            }
            case TRUNCATED_BODY: {
                WireAnswer full = json(id, body);
                c.writeRawAndClose(new WireAnswer(full.head(), Arrays.copyOf(body, body.length / 2)).bytes());
                dispatcher.finished();
                return;
            }
            case WRONG_REQUEST_ID: {
                String other = call.previousRequestId() != null ? call.previousRequestId() : UNKNOWN_ID_PREFIX + id;
                c.writeNow(json(other, dispatcher.encode(outcome, other)));
                dispatcher.finished();
                return;
            }
            case UNKNOWN_REQUEST_ID: {
                String other = UNKNOWN_ID_PREFIX + id;
                c.writeNow(json(other, dispatcher.encode(outcome, other)));
                dispatcher.finished();
                return;
            }
            case DUPLICATE_ANSWER: {
                byte[] once = json(id, body).bytes();
                byte[] twice = Arrays.copyOf(once, once.length * 2);
                System.arraycopy(once, 0, twice, once.length, once.length);
                answered();
                c.writeRaw(twice);
                return;
            }
            case OVERSIZED_BODY: {
                int size = Math.max(fault.bodyBytes(), body.length);
                byte[] padded = Arrays.copyOf(body, size);
                Arrays.fill(padded, body.length, size, (byte) ' ');
                answered();
                c.writeNow(json(id, padded));
                return;
            }
            case SLOW_DRIP: {
                WireAnswer answer = json(id, body);
                c.beginBusy();
                if (body.length == 0) {
                    answered();
                }
                c.writeRaw(answer.head());
                drip(c, body, 0);
                return;
            }
            default:
                throw new IllegalStateException("fault " + fault + " has no wire behaviour");
        }
    }

    private void drip(ServerConnection c, byte[] body, int offset) {
        if (!c.channel().isActive()) {
            c.endBusy();
            dispatcher.finished();
            return;
        }
        if (offset >= body.length) {
            c.endBusy();
            return;
        }
        int end = Math.min(body.length, offset + DRIP_CHUNK_BYTES);
        if (end == body.length) {
            answered(); // counted before the last byte leaves, so a reader never sees the answer uncounted
        }
        c.writeRaw(Arrays.copyOfRange(body, offset, end));
        c.channel().eventLoop().schedule(() -> drip(c, body, end),
                fault.betweenChunks().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Writes an answer under the call's id, closing afterwards when the request asked for it. */
    private void send(ServerConnection c, String contentType, int status, byte[] body) {
        c.writeAnswer(status, call.requestId(), contentType, body, !call.keepAlive());
    }

    private static WireAnswer json(String id, byte[] body) {
        return WireAnswer.of(200, id, WireContract.CONTENT_TYPE, body);
    }
}
