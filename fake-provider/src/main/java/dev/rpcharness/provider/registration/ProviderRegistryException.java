package dev.rpcharness.provider.registration;

/** A provider could not register in, update or leave the ZooKeeper registry; the message names where. */
public final class ProviderRegistryException extends RuntimeException {

    public ProviderRegistryException(String message) {
        super(message);
    }

    public ProviderRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
