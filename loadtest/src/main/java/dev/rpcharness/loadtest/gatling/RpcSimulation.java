package dev.rpcharness.loadtest.gatling;

import io.gatling.javaapi.core.Simulation;
import java.util.Objects;

/**
 * A Gatling simulation that loads one {@link RpcTarget}: it starts the target in {@link #before()} and closes it in
 * {@link #after()} (which writes the run's files next to Gatling's report). A subclass names its target once, while
 * it is constructed, and keeps the typed reference it gets back:
 *
 * <pre>{@code
 * public class EchoSimulation extends RpcSimulation {
 *     private final LoadTarget target = target(LoadTarget.builder(EchoSimulation.class).providers(2)...build());
 *     { setUp(...).protocols(rpcProtocol(target)); }
 * }
 * }</pre>
 *
 * <p>Life cycle: Gatling constructs the simulation, calls {@code before()} on its own thread, runs the load, then
 * calls {@code after()}. A subclass that overrides either calls {@code super}, in {@code after()} first when it
 * reads the run's files.
 */
public abstract class RpcSimulation extends Simulation {

    private RpcTarget target;

    /**
     * Makes {@code target} the one this simulation starts and closes; call it once, from a constructor or field
     * initializer.
     *
     * @return {@code target}
     * @throws IllegalStateException when the simulation already has a target
     */
    protected final <T extends RpcTarget> T target(T target) {
        Objects.requireNonNull(target, "target");
        if (this.target != null) {
            throw new IllegalStateException(getClass().getSimpleName() + " already loads " + this.target
                    + "; a simulation loads one target");
        }
        this.target = target;
        return target;
    }

    /**
     * Starts the target.
     *
     * @throws IllegalStateException when the simulation named no target
     */
    @Override
    public void before() {
        if (target == null) {
            throw new IllegalStateException(getClass().getSimpleName()
                    + " names no target: call target(LoadTarget.builder(...).build()) while constructing it");
        }
        target.start();
    }

    /** Closes the target: its run files land next to Gatling's report. */
    @Override
    public void after() {
        if (target != null) {
            target.close();
        }
    }
}
