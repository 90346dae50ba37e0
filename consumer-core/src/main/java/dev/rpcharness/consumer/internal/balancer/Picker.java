package dev.rpcharness.consumer.internal.balancer;

import dev.rpcharness.consumer.internal.transport.ConnectivityState;
import dev.rpcharness.consumer.internal.transport.ProviderConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An immutable routing snapshot: the connections that may take calls (READY, provider not ejected) and, per
 * interface, a weighted round-robin ring built on first use. Picking reads the snapshot and bumps an atomic
 * counter: no lock on the hot path. A connection that is not writable is passed over while another in the ring is
 * writable; if none is, the call still goes to the next one and waits in that connection's backlog.
 *
 * <p>Threading: immutable apart from the lazily built rings and their counters; safe from any thread.
 */
final class Picker {

    static final Picker EMPTY = new Picker(List.of(), Set.of(), Map.of(), 0);

    private final List<ProviderConnection> usable;
    private final Set<String> servesAll;
    private final Map<String, AtomicLong> probes;
    private final long probeLeaseNanos;
    private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();

    /**
     * @param usable    READY connections of providers that are not ejected
     * @param servesAll addresses given directly (not by discovery): they serve every interface
     * @param probes    providers on probation after an ejection, each with its one probe slot (the
     *                  {@link System#nanoTime()} it was taken, 0 when free): such a provider takes one call at a
     *                  time until outlier detection clears or ejects it again
     * @param probeLeaseNanos a probe slot taken longer ago than this is free again (a probe that never reported
     *                  its end, for example cancelled before it was written, cannot block the provider for ever)
     */
    Picker(List<ProviderConnection> usable, Set<String> servesAll, Map<String, AtomicLong> probes,
           long probeLeaseNanos) {
        this.usable = List.copyOf(usable);
        this.servesAll = Set.copyOf(servesAll);
        this.probes = Map.copyOf(probes);
        this.probeLeaseNanos = probeLeaseNanos;
    }

    /**
     * The picker for {@code providers} now: their READY connections, providers not ejected, slot by slot across
     * the providers (a0 b0 a1 b1, not a0 a1 b0 b1), so round robin alternates providers whatever the connections
     * per provider; the probe slots of those on probation.
     */
    static Picker of(Map<String, ListedProvider> providers, Set<String> servesAll, long probeLeaseNanos) {
        Map<String, AtomicLong> probes = new HashMap<>();
        int slots = 0;
        for (Map.Entry<String, ListedProvider> e : providers.entrySet()) {
            if (e.getValue().probe != null) {
                probes.put(e.getKey(), e.getValue().probe);
            }
            slots = Math.max(slots, e.getValue().connections.size());
        }
        List<ProviderConnection> usable = new ArrayList<>();
        for (int slot = 0; slot < slots; slot++) {
            for (ListedProvider p : providers.values()) {
                if (!p.ejected && slot < p.connections.size()
                        && p.connections.get(slot).state() == ConnectivityState.READY) {
                    usable.add(p.connections.get(slot));
                }
            }
        }
        return new Picker(usable, servesAll, probes, probeLeaseNanos);
    }

    /** The next connection for the interface, or null if no usable provider serves it. */
    ProviderConnection pick(String serviceName) {
        Ring ring = rings.get(serviceName);
        if (ring == null) {
            ring = rings.computeIfAbsent(serviceName, this::build);
        }
        return ring.next();
    }

    /**
     * A writable connection for the interface other than {@code from}, never one on probation (a call moving away
     * from a connection that takes no writes must not use up a probe), or null.
     */
    ProviderConnection pickWritableOtherThan(String serviceName, ProviderConnection from) {
        Ring ring = rings.get(serviceName);
        if (ring == null) {
            ring = rings.computeIfAbsent(serviceName, this::build);
        }
        return ring.nextWritableOtherThan(from);
    }

    /**
     * Where an unsent call of an ejected provider goes: a writable connection other than {@code from} (not on
     * probation), else any usable one, or null.
     */
    ProviderConnection pickAnyOtherThan(String serviceName, ProviderConnection from) {
        ProviderConnection c = pickWritableOtherThan(serviceName, from);
        if (c == null) {
            c = pick(serviceName);
        }
        return c == from ? null : c;
    }

    /**
     * The next connection for the interface whose provider is not in {@code avoid} (a writable one first), never
     * one on probation; null when every usable provider of the interface is in {@code avoid}.
     */
    ProviderConnection pickAvoiding(String serviceName, Collection<String> avoid) {
        Ring ring = rings.get(serviceName);
        if (ring == null) {
            ring = rings.computeIfAbsent(serviceName, this::build);
        }
        return ring.nextAvoiding(avoid);
    }

    /** Whether a usable connection other than {@code from} takes writes now. */
    boolean anyOtherWritable(ProviderConnection from) {
        for (ProviderConnection c : usable) {
            if (c != from && c.isWritable()) {
                return true;
            }
        }
        return false;
    }

    /** Asks every usable connection other than {@code from} that takes no writes to offer its unsent calls. */
    void offerBacklogsExcept(ProviderConnection from) {
        for (ProviderConnection c : usable) {
            if (c != from && !c.isWritable()) {
                c.offerBacklog();
            }
        }
    }

    List<ProviderConnection> usable() {
        return usable;
    }

    private Ring build(String serviceName) {
        List<ProviderConnection> ring = new ArrayList<>();
        for (ProviderConnection c : usable) {
            if (servesAll.contains(c.address()) || c.node().services().contains(serviceName)) {
                for (int i = 0; i < Math.min(c.node().weight(), 100); i++) {
                    ring.add(c);
                }
            }
        }
        return new Ring(ring.toArray(new ProviderConnection[0]), probes, probeLeaseNanos);
    }

    /** The ring of one interface with its round-robin counter. */
    private static final class Ring {
        private final ProviderConnection[] ring;
        private final Map<String, AtomicLong> probes;
        private final long probeLeaseNanos;
        private final AtomicInteger counter = new AtomicInteger();

        Ring(ProviderConnection[] ring, Map<String, AtomicLong> probes, long probeLeaseNanos) {
            this.ring = ring;
            this.probes = probes;
            this.probeLeaseNanos = probeLeaseNanos;
        }

        /** Takes the probe slot if it is free or its lease ran out. */
        private boolean takeProbe(AtomicLong slot) {
            long taken = slot.get();
            long now = System.nanoTime();
            return (taken == 0 || now - taken > probeLeaseNanos) && slot.compareAndSet(taken, now == 0 ? 1 : now);
        }

        ProviderConnection next() {
            int n = ring.length;
            if (n == 0) {
                return null;
            }
            int start = counter.getAndIncrement();
            ProviderConnection fallback = null;
            for (int i = 0; i < n; i++) {
                ProviderConnection c = ring[Math.floorMod(start + i, n)];
                AtomicLong probe = probes.isEmpty() ? null : probes.get(c.address());
                if (probe != null) {
                    if (takeProbe(probe)) {
                        return c; // its turn and no probe in flight: this call is the probe
                    }
                    continue;
                }
                if (c.isWritable()) {
                    return c;
                }
                if (fallback == null) {
                    fallback = c;
                }
            }
            return fallback;
        }

        ProviderConnection nextAvoiding(Collection<String> avoid) {
            int n = ring.length;
            int start = n == 0 ? 0 : counter.getAndIncrement();
            ProviderConnection fallback = null;
            for (int i = 0; i < n; i++) {
                ProviderConnection c = ring[Math.floorMod(start + i, n)];
                if (avoid.contains(c.address()) || (!probes.isEmpty() && probes.containsKey(c.address()))) {
                    continue;
                }
                if (c.isWritable()) {
                    return c;
                }
                if (fallback == null) {
                    fallback = c;
                }
            }
            return fallback;
        }

        ProviderConnection nextWritableOtherThan(ProviderConnection from) {
            int n = ring.length;
            int start = n == 0 ? 0 : counter.getAndIncrement();
            for (int i = 0; i < n; i++) {
                ProviderConnection c = ring[Math.floorMod(start + i, n)];
                if (c != from && c.isWritable() && (probes.isEmpty() || !probes.containsKey(c.address()))) {
                    return c;
                }
            }
            return null;
        }
    }
}
