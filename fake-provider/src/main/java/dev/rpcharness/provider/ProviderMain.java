package dev.rpcharness.provider;

/**
 * The stand-alone provider command. Skeleton.
 */
public final class ProviderMain {

    private ProviderMain() {
    }

    public static void main(String[] args) throws Exception {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
