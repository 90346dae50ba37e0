package dev.rpcharness.consumer.fuzz;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A canary for polymorphic deserialization: fuzzed results name this class in every place where a type id could
 * hide ({@code "@class"}, {@code "@type"}, wrapper arrays and objects). Decoding binds only the declared return
 * type, so this class must never be initialised nor instantiated; {@link Trap#touches()} says whether it was.
 */
public final class Gadget {

    static {
        Trap.TOUCHES.incrementAndGet();
    }

    public Gadget() {
        Trap.TOUCHES.incrementAndGet();
    }

    public void setCommand(String command) {
        Trap.TOUCHES.incrementAndGet();
    }

    /** Kept apart from {@link Gadget}, so reading it does not initialise the canary. */
    static final class Trap {
        private static final AtomicInteger TOUCHES = new AtomicInteger();

        private Trap() {
        }

        /** How often the canary was initialised, constructed or set: must stay 0. */
        static int touches() {
            return TOUCHES.get();
        }
    }
}
