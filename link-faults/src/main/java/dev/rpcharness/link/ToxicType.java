package dev.rpcharness.link;

import java.util.List;

/**
 * The toxics of Toxiproxy 2.x, with Toxiproxy's names and attributes (all whole numbers). What each does to a
 * connection is in docs/link-faults.md.
 */
public enum ToxicType {
    /** Delays each chunk by {@code latency} ms, plus or minus up to {@code jitter} ms; order is kept. */
    LATENCY("latency", List.of("latency", "jitter")),
    /** Passes at most {@code rate} KB (1000 bytes) per second. */
    BANDWIDTH("bandwidth", List.of("rate")),
    /** Delays the close that follows the peer's close by {@code delay} ms. */
    SLOW_CLOSE("slow_close", List.of("delay")),
    /** Holds all data; closes the connection after {@code timeout} ms, or never when it is 0. */
    TIMEOUT("timeout", List.of("timeout")),
    /** On the first data after it applies, waits {@code timeout} ms, then resets both sockets (TCP RST). */
    RESET_PEER("reset_peer", List.of("timeout")),
    /** Cuts data into pieces of {@code average_size} +- {@code size_variation} bytes, {@code delay} us apart. */
    SLICER("slicer", List.of("average_size", "size_variation", "delay")),
    /** Closes the connection once {@code bytes} bytes have passed in its direction. */
    LIMIT_DATA("limit_data", List.of("bytes"));

    private final String wireName;
    private final List<String> attributes;

    ToxicType(String wireName, List<String> attributes) {
        this.wireName = wireName;
        this.attributes = attributes;
    }

    /** Toxiproxy's name of the type, e.g. {@code reset_peer}. */
    public String wireName() {
        return wireName;
    }

    /** The attribute names this type takes, in Toxiproxy's spelling. */
    public List<String> attributes() {
        return attributes;
    }

    /** Parses a Toxiproxy type name; an unknown one is an IllegalArgumentException listing the known ones. */
    public static ToxicType fromWireName(String name) {
        for (ToxicType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown toxic type '" + name + "', known: latency, bandwidth, "
                + "slow_close, timeout, reset_peer, slicer, limit_data");
    }
}
