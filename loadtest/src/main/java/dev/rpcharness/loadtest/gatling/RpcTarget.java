package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.loadtest.record.LatencyRecorder;
import java.util.concurrent.Executor;

/**
 * What the RPC and chaos actions of a simulation talk to: the consumer client's async proxies, the latency
 * recorder and, for chaos steps, the cluster under test. {@link dev.rpcharness.loadtest.run.LoadTarget} is the
 * implementation; the simulation starts it in {@code before()} and closes it in {@code after()}, so these methods
 * are only called while the load runs.
 *
 * <p>Threading: called from Gatling's event loops and the consumer's callback threads; implementations are
 * thread-safe.
 */
public interface RpcTarget {

    /** The async proxy of {@code service} on the target's client (one per interface, made on first use). */
    AsyncObjectProxy proxy(Class<?> service);

    /** Where call latencies are recorded. */
    LatencyRecorder recorder();

    /**
     * The cluster whose providers and ZooKeeper the chaos steps act on.
     *
     * @throws IllegalStateException when the target drives a fleet that runs elsewhere
     */
    RpcCluster cluster();

    /** Where chaos steps run: off Gatling's event loops, one at a time, in order. */
    Executor chaosExecutor();
}
