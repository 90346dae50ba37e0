package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.cluster.RpcCluster;
import io.gatling.javaapi.core.ActionBuilder;
import java.util.function.Consumer;

/** One chaos step as a Gatling action; made by {@link ChaosStepBuilder}. Immutable. */
public final class ChaosActionBuilder implements ActionBuilder {

    private final String name;
    private final Consumer<RpcCluster> step;

    ChaosActionBuilder(String name, Consumer<RpcCluster> step) {
        this.name = name;
        this.step = step;
    }

    /** The step's name, in logs and on the timeline when it fails. */
    String name() {
        return name;
    }

    /** What the step does to the cluster. */
    Consumer<RpcCluster> step() {
        return step;
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return TargetActions.of((target, core, next) -> new ChaosAction(name, step, target, next, core.statsEngine()));
    }
}
