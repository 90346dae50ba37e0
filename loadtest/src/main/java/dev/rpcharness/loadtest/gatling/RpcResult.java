package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.loadtest.record.Outcome;
import io.gatling.javaapi.core.Session;
import java.util.List;

/**
 * The end of one RPC call as checks see it: how it ended, and what was asked, so a check can say whether the answer
 * matches the request ({@code r.value().equals(r.arg(0))}) or read the virtual user's session.
 *
 * @param outcome      how the call ended on the wire (never {@link Outcome#CHECK_FAILED}: that is decided from the
 *                     checks)
 * @param value        the result, null on failure or for void methods
 * @param error        the failure, null on success
 * @param provider     {@code host:port} of the provider where known, else null
 * @param latencyNanos from the call's intended start to its end
 * @param args         the call's arguments, unmodifiable (null elements kept)
 * @param session      the virtual user's session as it was when the call started; null outside a Gatling run
 */
public record RpcResult(Outcome outcome, Object value, Throwable error, String provider, long latencyNanos,
        List<Object> args, Session session) {

    public RpcResult {
        args = args == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(args));
    }

    /** A result without arguments or session, for checks tested on their own. */
    public RpcResult(Outcome outcome, Object value, Throwable error, String provider, long latencyNanos) {
        this(outcome, value, error, provider, latencyNanos, List.of(), null);
    }

    /**
     * Argument {@code index} of the call.
     *
     * @throws IndexOutOfBoundsException naming the index and the number of arguments
     */
    public Object arg(int index) {
        if (index < 0 || index >= args.size()) {
            throw new IndexOutOfBoundsException("argument " + index + " of a call with " + args.size()
                    + " arguments");
        }
        return args.get(index);
    }
}
