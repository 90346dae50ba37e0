package dev.rpcharness.provider;

/**
 * Observes a provider's state changes and chaos steps. Called synchronously on the thread that caused the event
 * (the test's thread for chaos calls, a registry thread for re-registration); must be quick and must not call
 * back into the provider's life-cycle methods.
 */
@FunctionalInterface
public interface ProviderListener {
    void onEvent(ProviderEvent e);
}
