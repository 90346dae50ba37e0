package dev.rpcharness.consumer.fuzz;

/**
 * A second canary, set off on purpose by a mapper with polymorphic typing switched on, to show that
 * {@link GadgetTrap} does see a class that a type id instantiates (so {@link Gadget}'s zero count means something).
 */
public final class GadgetProbe {

    static {
        GadgetTrap.touch(GadgetProbe.class.getName());
    }

    public GadgetProbe() {
        GadgetTrap.touch(GadgetProbe.class.getName());
    }
}
