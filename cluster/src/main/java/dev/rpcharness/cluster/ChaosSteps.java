package dev.rpcharness.cluster;

import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import java.util.function.Consumer;

/**
 * The chaos steps of one {@link RpcCluster}: each is first recorded on the cluster's timeline under its
 * {@link TimelineAction}, then performed on the calling thread; a step that throws is recorded again as its label
 * followed by {@value TimelineAction#FAILED_SUFFIX} and the exception is rethrown.
 *
 * <p>Threading: thread-safe; steps may come from any thread while calls flow. Lifecycle: lives as long as its
 * cluster; every step first asks the cluster whether it is still open ({@code requireOpen}, which throws when not).
 */
final class ChaosSteps {

    private final Timeline timeline;
    private final ProviderFleet providers;
    private final EmbeddedZooKeeper zooKeeper;
    private final String connectString;
    private final long seed;
    private final Consumer<String> requireOpen;

    /**
     * @param zooKeeper   the embedded ZooKeeper, or null when the cluster uses an external ensemble
     * @param requireOpen throws {@link IllegalStateException} naming the operation when the cluster is closed
     */
    ChaosSteps(Timeline timeline, ProviderFleet providers, EmbeddedZooKeeper zooKeeper, String connectString,
               long seed, Consumer<String> requireOpen) {
        this.timeline = timeline;
        this.providers = providers;
        this.zooKeeper = zooKeeper;
        this.connectString = connectString;
        this.seed = seed;
        this.requireOpen = requireOpen;
    }

    void crash(int i) {
        onProvider(TimelineAction.CRASH, i, FakeProvider::crash);
    }

    void freeze(int i) {
        onProvider(TimelineAction.FREEZE, i, FakeProvider::freeze);
    }

    void thaw(int i) {
        onProvider(TimelineAction.THAW, i, FakeProvider::thaw);
    }

    void stop(int i) {
        onProvider(TimelineAction.STOP, i, FakeProvider::stop);
    }

    void restart(int i) {
        onProvider(TimelineAction.RESTART, i, FakeProvider::restart);
    }

    void expireSession(int i) {
        onProvider(TimelineAction.EXPIRE_SESSION, i, FakeProvider::expireSession);
    }

    /** Installs {@code plan} on provider {@code i}, its randomness drawn from the run's seed and the index. */
    void faultPlan(int i, FaultPlan plan) {
        FakeProvider p = providers.get(i);
        FaultPlan seeded = plan.forRun(seed, i);
        step(TimelineAction.FAULT_PLAN, p.name(), p.address() + " " + seeded, () -> p.faultPlan(seeded));
    }

    void stopZooKeeper() {
        EmbeddedZooKeeper zk = embedded("stopZooKeeper");
        step(TimelineAction.ZK_STOP, RpcCluster.ZOOKEEPER, connectString, zk::stop);
    }

    void restartZooKeeper() {
        EmbeddedZooKeeper zk = embedded("restartZooKeeper");
        step(TimelineAction.ZK_RESTART, RpcCluster.ZOOKEEPER, connectString, zk::restart);
    }

    void killZooKeeperServer(int index) {
        EmbeddedZooKeeper zk = embedded("killZooKeeperServer");
        step(TimelineAction.ZK_KILL_SERVER, RpcCluster.ZOOKEEPER, "member " + index, () -> zk.killServer(index));
    }

    void restartZooKeeperServer(int index) {
        EmbeddedZooKeeper zk = embedded("restartZooKeeperServer");
        step(TimelineAction.ZK_RESTART_SERVER, RpcCluster.ZOOKEEPER, "member " + index,
                () -> zk.restartServer(index));
    }

    private EmbeddedZooKeeper embedded(String operation) {
        if (zooKeeper == null) {
            throw new IllegalStateException(operation + ": the cluster uses the external ZooKeeper "
                    + connectString + ", which it does not control");
        }
        return zooKeeper;
    }

    private void onProvider(TimelineAction action, int i, Consumer<FakeProvider> chaos) {
        FakeProvider p = providers.get(i);
        step(action, p.name(), p.address(), () -> chaos.accept(p));
    }

    private void step(TimelineAction action, String subject, String detail, Runnable chaos) {
        requireOpen.accept(action.label());
        timeline.record(action, subject, detail);
        try {
            chaos.run();
        } catch (RuntimeException e) {
            timeline.record(action.label() + TimelineAction.FAILED_SUFFIX, subject, String.valueOf(e));
            throw e;
        }
    }
}
