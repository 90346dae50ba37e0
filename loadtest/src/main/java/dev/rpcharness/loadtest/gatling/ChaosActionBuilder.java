package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.cluster.RpcCluster;
import io.gatling.core.action.Action;
import io.gatling.core.structure.ScenarioContext;
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
        return new io.gatling.core.action.builder.ActionBuilder() {
            @Override
            public Action build(ScenarioContext ctx, Action next) {
                RpcProtocol.Components components = ctx.protocolComponentsRegistry().components(RpcProtocol.KEY);
                return new ChaosAction(name, step, components.target(), next, ctx.coreComponents().statsEngine());
            }

            @Override
            public io.gatling.core.structure.ChainBuilder toChainBuilder() {
                return io.gatling.core.action.builder.ActionBuilder.super.toChainBuilder();
            }
        };
    }
}
