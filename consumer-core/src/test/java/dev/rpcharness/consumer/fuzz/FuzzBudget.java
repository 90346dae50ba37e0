package dev.rpcharness.consumer.fuzz;

import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.Lifespan;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.Store;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * Sizes a fuzz property from system properties, so {@code mvn verify} runs the short default of each
 * {@code @Property(tries = ...)} and a long run needs no code change:
 * <ul>
 *   <li>{@code -Drpc.fuzz.tries=N}: N tries per property instead of the annotation's count (examples stay
 *       single tries), all of them random (no up-front edge cases, which jqwik would generate by the million);
 *       </li>
 *   <li>{@code -Drpc.fuzz.seconds=S}: a property stops (successfully) at its first try that ends after S
 *       seconds, so {@code -Drpc.fuzz.tries=1000000 -Drpc.fuzz.seconds=100} runs for about 100 s.</li>
 * </ul>
 * jqwik reports the tries actually run, and the seed, for every property. Registered with
 * {@code @AddLifecycleHook}; jqwik calls it on the property's thread.
 */
public final class FuzzBudget implements AroundPropertyHook, AroundTryHook {

    private static final String DEADLINE = "rpc.fuzz.deadline";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer tries = Integer.getInteger("rpc.fuzz.tries");
        if (tries != null && context.findAnnotation(Example.class).isEmpty()) {
            context.attributes().setTries(tries);
            // jqwik generates edge cases up to the number of tries before the first random one: with a
            // million tries that alone takes minutes. The default runs mix them in; long runs go random.
            context.attributes().setEdgeCases(EdgeCasesMode.NONE);
        }
        long seconds = Long.getLong("rpc.fuzz.seconds", 0);
        long deadline = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
        Store.create(DEADLINE, Lifespan.PROPERTY, () -> deadline);
        return property.execute();
    }

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS; // registered on a container, sizes each of its properties
    }

    @Override
    public int aroundPropertyProximity() {
        return -100; // outside jqwik's own hooks, so the tries are set before they are read
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        TryExecutionResult result = aTry.execute(parameters);
        long deadline = Store.<Long>get(DEADLINE).get();
        if (result.isSatisfied() && System.nanoTime() - deadline > 0) {
            return TryExecutionResult.satisfied(true);
        }
        return result;
    }
}
