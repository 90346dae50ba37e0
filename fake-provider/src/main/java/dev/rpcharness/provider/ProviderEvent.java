package dev.rpcharness.provider;

/**
 * One thing that happened to a provider, as published to {@link ProviderListener}s.
 *
 * @param provider the provider's name
 * @param action   what happened: start, crash, freeze, thaw, stop, restart, expireSession, faultPlan, close,
 *                 reregister
 * @param detail   free text (address, plan, ...)
 */
public record ProviderEvent(String provider, String action, String detail) {
}
