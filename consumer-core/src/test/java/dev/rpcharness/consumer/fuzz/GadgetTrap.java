package dev.rpcharness.consumer.fuzz;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts how often each canary class was initialised, constructed or set. Kept apart from the canaries, so
 * reading a count does not initialise one. Class initialisation is JVM-wide, so the counts are too.
 */
final class GadgetTrap {

    private static final Map<String, AtomicInteger> TOUCHES = new ConcurrentHashMap<>();

    private GadgetTrap() {
    }

    static void touch(String className) {
        TOUCHES.computeIfAbsent(className, name -> new AtomicInteger()).incrementAndGet();
    }

    /** How often {@code className} was touched in this JVM. */
    static int touches(String className) {
        AtomicInteger count = TOUCHES.get(className);
        return count == null ? 0 : count.get();
    }

    /** How often the {@link Gadget} canary was touched: must stay 0. */
    static int gadgetTouches() {
        return touches(Json.GADGET);
    }
}
