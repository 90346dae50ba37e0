package dev.rpcharness.link;

import java.util.Locale;

/**
 * Which way through a link a toxic acts, named as Toxiproxy names it: {@code upstream} is client to server,
 * {@code downstream} is server to client.
 */
public enum LinkDirection {
    /** Bytes the client sends towards the server (requests). */
    UPSTREAM,
    /** Bytes the server sends back to the client (answers). */
    DOWNSTREAM;

    /** The name used in Toxiproxy's JSON: {@code upstream} or {@code downstream}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code upstream} or {@code downstream}; anything else is an IllegalArgumentException naming it. */
    public static LinkDirection fromWireName(String name) {
        for (LinkDirection d : values()) {
            if (d.wireName().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("toxic stream must be upstream or downstream, was '" + name + "'");
    }
}
