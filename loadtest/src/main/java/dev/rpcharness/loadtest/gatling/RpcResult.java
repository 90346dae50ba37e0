package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.loadtest.record.Outcome;

/**
 * The end of one RPC call as checks see it.
 *
 * @param outcome      how the call ended
 * @param value        the result, null on failure or for void methods
 * @param error        the failure, null on success
 * @param provider     {@code host:port} of the provider where known, else null
 * @param latencyNanos from the call's intended start to its end
 */
public record RpcResult(Outcome outcome, Object value, Throwable error, String provider, long latencyNanos) {
}
