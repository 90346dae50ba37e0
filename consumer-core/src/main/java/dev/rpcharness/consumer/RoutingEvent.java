package dev.rpcharness.consumer;

import java.util.Objects;

/**
 * One change of a client's routing: a provider listed or delisted by discovery, connected or disconnected, ejected
 * as an outlier or returned to rotation. Immutable.
 *
 * @param kind      what changed
 * @param provider  "host:port" of the provider; empty for the retry budget's events
 * @param detail    why, in words (for example "5 consecutive failures; out for 1000 ms")
 * @param timeNanos {@link System#nanoTime()} when it happened
 */
public record RoutingEvent(Kind kind, String provider, String detail, long timeNanos) {

    /** What changed. */
    public enum Kind {
        /** Discovery (or the direct list) named the provider. */
        LISTED,
        /** Discovery no longer names the provider. */
        DELISTED,
        /** A connection to the provider became ready. */
        CONNECTED,
        /** The provider has no ready connection any more. */
        DISCONNECTED,
        /** Outlier ejection took the provider out of rotation for a cool-down. */
        EJECTED,
        /** The cool-down ended: the provider is back in rotation, on probation. */
        RETURNED,
        /**
         * The client's retry budget is spent: no retries or hedges until successes refill it (provider empty; detail
         * the tokens left). docs/call-policies.md.
         */
        THROTTLED,
        /** The client's retry budget allows retries and hedges again (provider empty; detail the tokens left). */
        UNTHROTTLED
    }

    public RoutingEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(provider, "provider");
        detail = detail == null ? "" : detail;
    }

    /** The name a timeline gives this event, for example {@code "client-ejected"}. */
    public String action() {
        return "client-" + kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
