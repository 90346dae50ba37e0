package dev.rpcharness.loadtest.run;

import dev.rpcharness.cluster.RpcCluster;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one daemon thread a load target runs its chaos steps on, off Gatling's event loops, one at a time and in
 * order. Around each step it tells the {@link ReplayRecord}: before, so a replay holds the step until its recorded
 * offset; after, so the record notes the timeline events the step caused.
 *
 * <p>Lifecycle: made when the target starts, shut down when it closes.
 */
final class ChaosExecutor extends ThreadPoolExecutor {

    private static final Logger log = LoggerFactory.getLogger(ChaosExecutor.class);

    private final ReplayRecord replay;
    private final Supplier<RpcCluster> cluster;

    /** @param cluster the target's cluster, or null when it drives an external fleet */
    ChaosExecutor(String name, ReplayRecord replay, Supplier<RpcCluster> cluster) {
        super(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "chaos-" + name);
            t.setDaemon(true);
            return t;
        });
        this.replay = replay;
        this.cluster = cluster;
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        replay.beforeStep(cluster.get());
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        replay.afterStep(cluster.get());
    }

    /** Shuts down, interrupting a running step, and waits up to 10 s for it to end. */
    void stopAndAwait() {
        shutdownNow();
        try {
            if (!awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("a chaos step still runs after 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
