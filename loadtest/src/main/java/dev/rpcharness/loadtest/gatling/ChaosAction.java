package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.run.TimelineAction;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gatling action that performs one chaos step on the cluster. The step runs on the target's chaos thread (a crash
 * or a restart may take a while and must not stall a Gatling event loop), through {@link RpcTarget#chaosStep} (in a
 * run of several injectors, once for all of them, on the injector that holds the fleet); then the user goes on with
 * {@code next ! session}. A step that fails is logged, recorded on the timeline as {@code chaos-failed} and marks
 * the session as failed. Chaos steps are not requests: they appear on the cluster timeline, not in Gatling's
 * request statistics.
 */
final class ChaosAction extends JavaAction {

    private static final Logger log = LoggerFactory.getLogger(ChaosAction.class);

    private final String stepName;
    private final Consumer<RpcCluster> step;
    private final RpcTarget target;

    ChaosAction(String stepName, Consumer<RpcCluster> step, RpcTarget target, Action next, StatsEngine stats) {
        super("chaos-" + stepName, next, stats);
        this.stepName = stepName;
        this.step = step;
        this.target = target;
    }

    @Override
    void run(Session session) {
        try {
            target.chaosExecutor().execute(() -> perform(session));
        } catch (RejectedExecutionException e) {
            log.warn("chaos step '{}' skipped: the load target is closing", stepName);
            proceed(session.markAsFailed());
        }
    }

    private void perform(Session session) {
        long started = System.nanoTime();
        Session next = session;
        try {
            target.chaosStep(stepName, () -> step.accept(target.cluster()));
            log.info("chaos step '{}' done in {} ms", stepName, (System.nanoTime() - started) / 1_000_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("chaos step '{}' interrupted: the load target is closing", stepName);
            next = session.markAsFailed();
        } catch (RuntimeException e) {
            log.error("chaos step '{}' failed after {} ms", stepName, (System.nanoTime() - started) / 1_000_000L, e);
            try {
                target.cluster().record(TimelineAction.CHAOS_FAILED.label(), stepName, String.valueOf(e));
            } catch (RuntimeException ignored) {
                // no cluster to record on (external fleet)
            }
            next = session.markAsFailed();
        }
        proceed(next);
    }
}
