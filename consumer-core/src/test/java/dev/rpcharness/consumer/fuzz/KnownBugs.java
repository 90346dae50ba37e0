package dev.rpcharness.consumer.fuzz;

/**
 * Inputs the properties found to break the consumer outside the codec, kept out of the generators until the
 * fix lands (each has a {@code @Disabled} reproducer in {@link KnownBugsTest}). {@code -Drpc.fuzz.knownBugs=true}
 * generates them again, to see a property fail on them or to check a fix.
 */
final class KnownBugs {

    private KnownBugs() {
    }

    static boolean included() {
        return Boolean.getBoolean("rpc.fuzz.knownBugs");
    }
}
