package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.loadtest.record.LatencyRecorder;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What the RPC and chaos actions of a simulation talk to: the consumer client and its async proxies, the latency
 * recorder and, for chaos steps, the cluster under test. {@link dev.rpcharness.loadtest.run.LoadTarget} is the
 * implementation.
 *
 * <p>Life cycle: {@link #start()} once, then the load, then {@link #close()}; an {@link RpcSimulation} does both in
 * its {@code before()} and {@code after()}, so the other methods are only called while the load runs.
 *
 * <p>Threading: called from Gatling's event loops and the consumer's callback threads; implementations are
 * thread-safe.
 */
public interface RpcTarget extends AutoCloseable {

    /**
     * Starts what the target drives (cluster or fleet connection, client, recorder).
     *
     * @return this target
     * @throws IllegalStateException when started twice
     */
    RpcTarget start();

    /** The async proxy of {@code service} on the target's client (one per interface, made on first use). */
    AsyncObjectProxy proxy(Class<?> service);

    /**
     * The consumer client under load, for checks on it such as its pending calls.
     *
     * @throws IllegalStateException when the target is not started
     */
    ConsumerClient client();

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

    /**
     * How many injector JVMs run this scenario as one run (1 unless {@code -Drpc.injectors=N}; docs/injectors.md).
     */
    default int injectors() {
        return 1;
    }

    /**
     * Whether this injector sends the call of arrival {@code arrival} of an RPC action (0-based, counted by each
     * action): with N injectors, injector i sends those with {@code arrival mod N == i}. Asked only when
     * {@link #injectors()} is above 1.
     */
    default boolean sendsArrival(long arrival) {
        return true;
    }

    /**
     * Performs chaos step {@code name} on the chaos thread: {@code onCluster} runs here, or, in a run of several
     * injectors, once on the injector that holds the fleet after the elected conductor claimed it.
     *
     * @throws RuntimeException when the step failed
     */
    default void chaosStep(String name, Runnable onCluster) throws InterruptedException {
        onCluster.run();
    }

    /**
     * Check {@code name} of the scenario ({@code verify}) is reached: evaluated here; in a run of several injectors,
     * by the injector that holds the fleet, whose verdict the others wait for (so every injector records it).
     *
     * @return why the check failed, or null when it held
     */
    default String check(String name, Supplier<String> evaluate) throws InterruptedException {
        return evaluate.get();
    }

    /** Writes the run's files and closes everything {@link #start()} started. Idempotent. */
    @Override
    void close();
}
