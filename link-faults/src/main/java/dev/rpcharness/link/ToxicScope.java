package dev.rpcharness.link;

/**
 * Whether a change to a link's toxics reaches the connections already open through it.
 * See docs/link-faults.md for how this compares with Toxiproxy.
 */
public enum ToxicScope {
    /**
     * Toxiproxy's behaviour and the default: adding, changing or removing a toxic acts at once on every open
     * connection as well as on new ones.
     */
    OPEN_AND_NEW,
    /**
     * A connection keeps the toxics the link had when it was accepted until it closes; changes reach only
     * connections opened afterwards.
     */
    NEW_ONLY
}
