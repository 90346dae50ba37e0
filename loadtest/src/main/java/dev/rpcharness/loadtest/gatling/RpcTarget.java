package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.loadtest.record.LatencyRecorder;

/**
 * What the RPC actions of a simulation talk to: the consumer client's async proxies and the latency recorder.
 * {@link dev.rpcharness.loadtest.target.LoadTarget} is the implementation; the simulation starts it in
 * {@code before()} and closes it in {@code after()}, so its methods are only called while the load runs.
 *
 * <p>Threading: called from Gatling's event loops and the consumer's callback threads; implementations are
 * thread-safe.
 */
public interface RpcTarget {

    /** The async proxy of {@code service} on the target's client (one per interface, made on first use). */
    AsyncObjectProxy proxy(Class<?> service);

    /** Where call latencies are recorded. */
    LatencyRecorder recorder();
}
