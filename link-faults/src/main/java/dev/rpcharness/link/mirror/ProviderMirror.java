package dev.rpcharness.link.mirror;

import dev.rpcharness.consumer.ServiceDiscovery;
import dev.rpcharness.link.Link;
import dev.rpcharness.link.Links;
import dev.rpcharness.link.api.ToxiproxyApiServer;
import dev.rpcharness.protocol.ProviderNode;
import dev.rpcharness.protocol.WireContract;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of a real fleet: watches the providers' registry ({@code <basePath>/providers}) of a real
 * ZooKeeper, opens a {@link Link} per provider and keeps a mirror registry under {@code <mirrorBasePath>/providers}
 * with the same node format and the links' addresses. A consumer pointed at the mirror path calls the real providers
 * through the links; the real providers and their nodes are only read. New providers get a link and a node, changed
 * ones (services, weight) have their node rewritten (same link), removed ones lose their node and then their link.
 * While ZooKeeper is unreachable the last known providers stay mirrored.
 *
 * <p>The links are named {@link #linkName(String)} of their provider's address ({@code 10.0.0.5:20881} gives
 * {@code 10.0.0.5_20881}) and served by a Toxiproxy-compatible API ({@link #apiPort()}), so any Toxiproxy client
 * adds toxics, disables a link or resets them all. A link deleted through the API stays deleted until its provider
 * leaves and comes back; its mirror node stays and its calls find nobody listening.
 *
 * <p>Threading: registry changes are applied on the discovery's event thread, one at a time, under this object's
 * lock; the public methods are safe from any thread. Lifecycle: {@link #start()} connects (bounded waits, a
 * {@code RegistryException} when ZooKeeper is unreachable) and mirrors the current providers; {@link #close()}
 * stops watching, deletes the mirror nodes, stops the API and closes the links. Not restartable.
 */
public final class ProviderMirror implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProviderMirror.class);

    private enum State { NEW, RUNNING, CLOSED }

    /** One mirrored provider: what the real registry says, its link, and what the mirror registry says. */
    private record Mirrored(ProviderNode source, Link link, ProviderNode mirror) {
    }

    private final MirrorOptions options;
    private final Links links;
    private final Map<String, Mirrored> mirrored = new LinkedHashMap<>(); // by real address; guarded by this
    private State state = State.NEW;
    private MirrorRegistry registry;
    private ToxiproxyApiServer api;
    private ServiceDiscovery source;

    public ProviderMirror(MirrorOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.links = new Links(options.ioThreads(), options.seed(), options.scope());
    }

    /** The name of the link in front of the provider at {@code host:port}. */
    public static String linkName(String providerAddress) {
        return providerAddress.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Connects to ZooKeeper, starts the API and mirrors the current providers; returns this. */
    public ProviderMirror start() {
        ServiceDiscovery watching;
        int boundApiPort;
        synchronized (this) {
            if (state != State.NEW) {
                throw new IllegalStateException("provider mirror is " + state + ", start() needs NEW");
            }
            state = State.RUNNING;
            try {
                registry = new MirrorRegistry(options);
                api = new ToxiproxyApiServer(links, options.apiHost(), options.apiPort(), options.apiToken()).start();
                source = new ServiceDiscovery(options.zookeeper(), options.basePath(), options.connectTimeout());
                watching = source;
                boundApiPort = api.port();
            } catch (RuntimeException e) {
                state = State.CLOSED;
                release();
                throw e;
            }
        }
        // Outside the lock: the discovery calls listeners under its own lock, and so does this at once.
        watching.addListener(this::mirror);
        log.info("mirroring {} to {} on ZooKeeper {}; link API on {}:{}", watching.providersPath(),
                WireContract.providersPath(options.mirrorBasePath()), options.zookeeper(), options.apiHost(),
                boundApiPort);
        return this;
    }

    /** The options it runs with. */
    public MirrorOptions options() {
        return options;
    }

    /** The port of the Toxiproxy-compatible API. */
    public synchronized int apiPort() {
        if (api == null) {
            throw new IllegalStateException("provider mirror is " + state + "; its API is not running");
        }
        return api.port();
    }

    /** The links, named per provider, as the API shows them. */
    public Links links() {
        return links;
    }

    /** The link in front of the provider at {@code host:port}, or null when it is not mirrored. */
    public synchronized Link linkOf(String providerAddress) {
        Mirrored m = mirrored.get(providerAddress);
        return m == null ? null : m.link();
    }

    /** Real provider address to its mirror address ({@code advertisedHost:linkPort}), sorted by real address. */
    public synchronized Map<String, String> mirrored() {
        Map<String, String> view = new TreeMap<>();
        mirrored.forEach((address, m) -> view.put(address, m.mirror().address()));
        return view;
    }

    /** Applies one whole provider list: the discovery's listener. */
    private synchronized void mirror(List<ProviderNode> providers) {
        if (state != State.RUNNING) {
            return;
        }
        Map<String, ProviderNode> now = new LinkedHashMap<>();
        providers.forEach(p -> now.put(p.address(), p));
        for (String gone : List.copyOf(mirrored.keySet())) {
            if (!now.containsKey(gone)) {
                Mirrored m = mirrored.remove(gone);
                registry.remove(m.mirror().address()); // consumers delist it before its link goes
                links.remove(m.link().name());
                log.info("provider {} left: mirror node {} and link {} removed", gone, m.mirror().address(),
                        m.link().name());
            }
        }
        for (ProviderNode p : now.values()) {
            Mirrored m = mirrored.get(p.address());
            if (m == null) {
                open(p);
            } else if (!m.source().equals(p)) {
                ProviderNode mirror = mirrorNode(p, m.link());
                registry.put(mirror);
                mirrored.put(p.address(), new Mirrored(p, m.link(), mirror));
                log.info("provider {} changed: mirror node {} rewritten", p.address(), mirror.address());
            }
        }
    }

    private void open(ProviderNode p) {
        Link link;
        try {
            link = links.create(linkName(p.address()), new InetSocketAddress(options.linkHost(), 0),
                    new InetSocketAddress(p.host(), p.port()), true);
        } catch (RuntimeException e) {
            log.warn("provider {} not mirrored: its link could not open: {}", p.address(), e.toString());
            return;
        }
        ProviderNode mirror = mirrorNode(p, link);
        registry.put(mirror);
        mirrored.put(p.address(), new Mirrored(p, link, mirror));
        log.info("provider {} mirrored as {} through link {}", p.address(), mirror.address(), link.name());
    }

    private ProviderNode mirrorNode(ProviderNode p, Link link) {
        return new ProviderNode(options.advertisedHost(), link.port(), p.services(), p.weight());
    }

    /** Stops watching, deletes the mirror nodes, stops the API and closes the links. Idempotent. */
    @Override
    public void close() {
        ServiceDiscovery watching;
        int boundApiPort;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            watching = source;
            source = null;
        }
        if (watching != null) {
            watching.close(); // outside the lock: a change being applied may be waiting for it
        }
        synchronized (this) {
            release();
        }
    }

    private void release() {
        if (source != null) {
            source.close();
            source = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (api != null) {
            api.close();
            api = null;
        }
        links.close();
        mirrored.clear();
    }

    /** The mirror registry, for this package's tests. */
    synchronized MirrorRegistry registry() {
        return registry;
    }

    @Override
    public String toString() {
        return "ProviderMirror[" + options + "]";
    }
}
