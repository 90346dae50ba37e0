package dev.rpcharness.consumer.fuzz;

/**
 * A canary for polymorphic deserialization: fuzzed results name this class in every place where a type id could
 * hide ({@code "@class"}, {@code "@type"}, wrapper arrays and objects). Decoding binds only the declared return
 * type, so this class must never be initialised nor instantiated: {@link GadgetTrap} counts it if it is.
 */
public final class Gadget {

    static {
        GadgetTrap.touch(Gadget.class.getName());
    }

    public Gadget() {
        GadgetTrap.touch(Gadget.class.getName());
    }

    public void setCommand(String command) {
        GadgetTrap.touch(Gadget.class.getName());
    }
}
