package dev.rpcharness.loadtest.gatling;

import io.gatling.core.CoreComponents;
import io.gatling.core.action.Action;
import io.gatling.core.action.builder.ActionBuilder;
import io.gatling.core.structure.ChainBuilder;
import io.gatling.core.structure.ScenarioContext;
import java.util.Objects;

/**
 * The one adapter from our Java step builders ({@link RpcCallBuilder}, {@link ChaosActionBuilder},
 * {@link VerifyActionBuilder}) to Gatling's Scala {@link ActionBuilder}, which is what their {@code asScala()}
 * returns. When Gatling builds a scenario (once per simulation, on its own thread, before any user runs) the adapter
 * looks up the {@link RpcTarget} of the simulation's {@link RpcProtocol} and lets the step make its action with it,
 * the core components (stats engine, clock) and the next action.
 */
final class TargetActions implements ActionBuilder {

    /** How a step makes its Gatling action once the target, the core components and the next action are known. */
    @FunctionalInterface
    interface Factory {
        Action build(RpcTarget target, CoreComponents core, Action next);
    }

    private final Factory factory;

    private TargetActions(Factory factory) {
        this.factory = factory;
    }

    /** The Scala builder of a step whose action {@code factory} makes. */
    static ActionBuilder of(Factory factory) {
        return new TargetActions(Objects.requireNonNull(factory, "factory"));
    }

    @Override
    public Action build(ScenarioContext ctx, Action next) {
        RpcProtocol.Components components = ctx.protocolComponentsRegistry().components(RpcProtocol.KEY);
        return factory.build(components.target(), ctx.coreComponents(), next);
    }

    @Override
    public ChainBuilder toChainBuilder() {
        return ActionBuilder.super.toChainBuilder();
    }
}
