package dev.rpcharness.link;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One toxic on a link: an immutable value with Toxiproxy's fields (name, type, stream, toxicity, attributes).
 * Every attribute of the type is present (missing ones are 0, as in Toxiproxy), none is negative, and the
 * toxicity lies in [0, 1]; anything else is an IllegalArgumentException naming the toxic, the field and the value.
 */
public final class Toxic {

    private final String name;
    private final ToxicType type;
    private final LinkDirection stream;
    private final double toxicity;
    private final Map<String, Long> attributes;

    /**
     * @param name       unique on its link; null or blank gives Toxiproxy's default {@code <type>_<stream>}
     * @param attributes values for the type's attributes; unknown names are rejected
     */
    public Toxic(String name, ToxicType type, LinkDirection stream, double toxicity, Map<String, Long> attributes) {
        this.type = Objects.requireNonNull(type, "type");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.name = name == null || name.isBlank() ? type.wireName() + "_" + stream.wireName() : name;
        if (!(toxicity >= 0 && toxicity <= 1)) {
            throw new IllegalArgumentException("toxic '" + this.name + "': toxicity must be in [0, 1], was " + toxicity);
        }
        this.toxicity = toxicity;
        Map<String, Long> all = new LinkedHashMap<>();
        for (String attribute : type.attributes()) {
            all.put(attribute, 0L);
        }
        for (Map.Entry<String, Long> e : attributes.entrySet()) {
            if (!all.containsKey(e.getKey())) {
                throw new IllegalArgumentException("toxic '" + this.name + "' (" + type.wireName()
                        + ") has no attribute '" + e.getKey() + "'; it takes " + type.attributes());
            }
            long value = Objects.requireNonNull(e.getValue(), e.getKey());
            if (value < 0) {
                throw new IllegalArgumentException("toxic '" + this.name + "': attribute " + e.getKey()
                        + " must be >= 0, was " + value);
            }
            all.put(e.getKey(), value);
        }
        if (type == ToxicType.BANDWIDTH && all.get("rate") == 0) {
            // Toxiproxy lets rate 0 stall the link; here "hold the data" is the timeout toxic's job.
            throw new IllegalArgumentException("toxic '" + this.name + "': bandwidth rate must be >= 1 KB/s, was 0");
        }
        if (type == ToxicType.SLICER && all.get("average_size") == 0) {
            throw new IllegalArgumentException("toxic '" + this.name + "': slicer average_size must be >= 1, was 0");
        }
        this.attributes = Map.copyOf(all);
    }

    /** {@code latency} toxic, on every connection. */
    public static Toxic latency(LinkDirection stream, Duration latency, Duration jitter) {
        return new Toxic(null, ToxicType.LATENCY, stream, 1.0,
                Map.of("latency", latency.toMillis(), "jitter", jitter.toMillis()));
    }

    /** {@code bandwidth} toxic: at most {@code kilobytesPerSecond} KB (1000 bytes) a second. */
    public static Toxic bandwidth(LinkDirection stream, long kilobytesPerSecond) {
        return new Toxic(null, ToxicType.BANDWIDTH, stream, 1.0, Map.of("rate", kilobytesPerSecond));
    }

    /** {@code slow_close} toxic. */
    public static Toxic slowClose(LinkDirection stream, Duration delay) {
        return new Toxic(null, ToxicType.SLOW_CLOSE, stream, 1.0, Map.of("delay", delay.toMillis()));
    }

    /** {@code timeout} toxic; {@link Duration#ZERO} holds the data for ever and never closes. */
    public static Toxic timeout(LinkDirection stream, Duration timeout) {
        return new Toxic(null, ToxicType.TIMEOUT, stream, 1.0, Map.of("timeout", timeout.toMillis()));
    }

    /** {@code reset_peer} toxic. */
    public static Toxic resetPeer(LinkDirection stream, Duration timeout) {
        return new Toxic(null, ToxicType.RESET_PEER, stream, 1.0, Map.of("timeout", timeout.toMillis()));
    }

    /** {@code slicer} toxic; {@code delayMicros} between pieces. */
    public static Toxic slicer(LinkDirection stream, long averageSize, long sizeVariation, long delayMicros) {
        return new Toxic(null, ToxicType.SLICER, stream, 1.0,
                Map.of("average_size", averageSize, "size_variation", sizeVariation, "delay", delayMicros));
    }

    /** {@code limit_data} toxic. */
    public static Toxic limitData(LinkDirection stream, long bytes) {
        return new Toxic(null, ToxicType.LIMIT_DATA, stream, 1.0, Map.of("bytes", bytes));
    }

    /** A copy with another name. */
    public Toxic withName(String newName) {
        return new Toxic(newName, type, stream, toxicity, attributes);
    }

    /** A copy with another toxicity (the share of connections it affects). */
    public Toxic withToxicity(double newToxicity) {
        return new Toxic(name, type, stream, newToxicity, attributes);
    }

    /** A copy with some attributes replaced, as Toxiproxy's update does. */
    public Toxic withAttributes(Map<String, Long> changed) {
        Map<String, Long> merged = new LinkedHashMap<>(attributes);
        merged.putAll(changed);
        return new Toxic(name, type, stream, toxicity, merged);
    }

    public String name() {
        return name;
    }

    public ToxicType type() {
        return type;
    }

    public LinkDirection stream() {
        return stream;
    }

    public double toxicity() {
        return toxicity;
    }

    /** All attributes of the type, each present. */
    public Map<String, Long> attributes() {
        return attributes;
    }

    /** One attribute; the name must be one of the type's. */
    public long attribute(String attribute) {
        Long value = attributes.get(attribute);
        if (value == null) {
            throw new IllegalArgumentException(type.wireName() + " has no attribute " + attribute);
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Toxic t && name.equals(t.name) && type == t.type && stream == t.stream
                && toxicity == t.toxicity && attributes.equals(t.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, stream, toxicity, attributes);
    }

    @Override
    public String toString() {
        return name + "(" + type.wireName() + " " + stream.wireName() + " toxicity=" + toxicity + " " + attributes + ")";
    }
}
