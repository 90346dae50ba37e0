package dev.rpcharness.consumer.fuzz;

/**
 * Inputs the properties found to break the consumer outside the codec, kept out of the open-connection profile
 * ({@link Wire.Profile#STAYS_OPEN}) until the fix lands; each has a {@code @Disabled} reproducer in
 * {@link KnownBugsTest}:
 * <ul>
 *   <li>a {@code 101} status that names its call: the connection then discards every later response;</li>
 *   <li>a body without Content-Length or chunked encoding, or announced longer than what follows (Content-Length
 *       or chunk size): every later call on the connection times out until {@code maxResponseBytes} of later
 *       responses have piled up.</li>
 * </ul>
 * {@code -Drpc.fuzz.knownBugs=true} generates them again, to see the property fail on them or to check a fix.
 */
final class KnownBugs {

    private KnownBugs() {
    }

    static boolean included() {
        return Boolean.getBoolean("rpc.fuzz.knownBugs");
    }
}
