package dev.rpcharness.cluster;

import dev.rpcharness.link.Link;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Links;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.link.ToxicScope;
import dev.rpcharness.link.ToxicType;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The link-fault proxies of one {@link RpcCluster} started with {@code links(true)}: one link from the clients to
 * each provider ({@code client-p0}, ...), one from the clients to ZooKeeper ({@code client-zookeeper}) and one from
 * each provider to ZooKeeper ({@code p0-zookeeper}, ...). Providers advertise their link's address in ZooKeeper, so
 * the clients connect through it; the cluster's own registry reads ({@code registeredProviders}) go direct.
 *
 * <p>Its chaos steps (toxics, partitions, heal) are recorded on the cluster's timeline first, then performed, as
 * every chaos step of the cluster: the subject is the provider's name for a client-to-provider link (so the
 * call-history checker ties a reset to that provider's calls) and the link's name for a ZooKeeper link; the detail
 * starts with the toxic's name ({@code cut} for a partition), which keeps each band of the report apart.
 *
 * <p>Threading: thread-safe; steps may come from any thread while calls flow. Lifecycle: made and closed by its
 * cluster (after the clients and providers, before ZooKeeper); the links share one pool of two event loops.
 */
public final class ClusterLinks implements AutoCloseable {

    /** Name of the link from the clients to ZooKeeper. */
    public static final String CLIENT_TO_ZOOKEEPER = "client-zookeeper";
    private static final InetSocketAddress NOWHERE = new InetSocketAddress("127.0.0.1", 0);

    private final Links links;
    private final Timeline timeline;
    private final Consumer<String> requireOpen;
    private final InetSocketAddress zooKeeper;

    /**
     * @param zkConnectString the one ZooKeeper server, {@code host:port} (ClusterSettings refuses an ensemble)
     * @param requireOpen     throws {@link IllegalStateException} naming the operation when the cluster is closed
     */
    ClusterLinks(String zkConnectString, long seed, Timeline timeline, Consumer<String> requireOpen) {
        this.timeline = timeline;
        this.requireOpen = requireOpen;
        int colon = zkConnectString.lastIndexOf(':');
        this.zooKeeper = new InetSocketAddress(zkConnectString.substring(0, colon),
                Integer.parseInt(zkConnectString.substring(colon + 1)));
        this.links = new Links(2, seed, ToxicScope.OPEN_AND_NEW);
        links.create(CLIENT_TO_ZOOKEEPER, NOWHERE, zooKeeper, true);
    }

    /** The connect string the clients use: the client-to-ZooKeeper link's address. */
    String clientConnectString() {
        return clientToZooKeeper().address();
    }

    /**
     * Makes the two links of provider {@code name} before it starts: to ZooKeeper (returned as the connect string
     * it registers through) and from the clients (its address is what the provider advertises; it is pointed at the
     * provider by {@link #pointAt} once the provider's port is known).
     */
    String prepareProvider(String name) {
        links.create(clientLinkName(name), NOWHERE, NOWHERE, true);
        return links.create(name + "-zookeeper", NOWHERE, zooKeeper, true).address();
    }

    /** Points the link from the clients to provider {@code name} at the port it listens on. */
    void pointAt(String name, String host, int port) {
        clientToProvider(name).upstream(new InetSocketAddress(host, port));
    }

    /** The link the clients reach provider {@code provider} ({@code p0}, ...) through. */
    public Link clientToProvider(String provider) {
        return link(clientLinkName(provider));
    }

    /** The link the clients reach ZooKeeper through. */
    public Link clientToZooKeeper() {
        return link(CLIENT_TO_ZOOKEEPER);
    }

    /** The link provider {@code provider} ({@code p0}, ...) reaches ZooKeeper through. */
    public Link providerToZooKeeper(String provider) {
        return link(provider + "-zookeeper");
    }

    /** Every link, by name. */
    public List<Link> all() {
        List<Link> all = new ArrayList<>(links.all());
        all.sort(Comparator.comparing(Link::name));
        return all;
    }

    /**
     * Chaos step: adds {@code toxic} to {@code link} (one of this cluster's). A toxic that closes connections
     * ({@code reset_peer}, {@code limit_data}, {@code timeout} above 0) is recorded as {@code link-reset}, the
     * others as {@code link-toxic}; either lasts until its removal or {@link #heal()}.
     */
    public void addToxic(Link link, Toxic toxic) {
        Link own = own(link);
        step(actionOf(toxic), own, toxic.name() + " on " + own.name() + ": " + toxic, () -> own.addToxic(toxic));
    }

    /** Chaos step: removes the toxic named {@code toxicName} from {@code link}; returns whether there was one. */
    public boolean removeToxic(Link link, String toxicName) {
        Link own = own(link);
        boolean[] removed = new boolean[1];
        step(TimelineAction.LINK_TOXIC_REMOVED, own, toxicName + " on " + own.name(),
                () -> removed[0] = own.removeToxic(toxicName));
        return removed[0];
    }

    /** Partition: provider {@code provider} cannot reach ZooKeeper (its session expires, its node goes). */
    public void cutProviderFromZooKeeper(String provider) {
        cut(providerToZooKeeper(provider), LinkCut.BOTH_WAYS);
    }

    /** Partition: the clients cannot reach ZooKeeper (they keep the providers they knew). */
    public void cutClientFromZooKeeper() {
        cut(clientToZooKeeper(), LinkCut.BOTH_WAYS);
    }

    /** Partition: the clients cannot reach provider {@code provider}, while ZooKeeper still lists it. */
    public void cutClientFromProvider(String provider) {
        cut(clientToProvider(provider), LinkCut.BOTH_WAYS);
    }

    /**
     * Partition of one link, both ways or one way: the bytes of each cut direction are held silently (a
     * {@code timeout} toxic with timeout 0, named {@code cut-requests} or {@code cut-answers}) until
     * {@link #heal()}. Recorded as {@code link-cut}; a link already cut that way is left as it is.
     */
    public void cut(Link link, LinkCut how) {
        Link own = own(link);
        Objects.requireNonNull(how, "how");
        step(TimelineAction.LINK_CUT, own, "cut " + how + " on " + own.name(), () -> {
            for (LinkDirection d : how.directions()) {
                if (own.toxic(LinkCut.toxicName(d)) == null) {
                    own.addToxic(Toxic.timeout(d, Duration.ZERO).withName(LinkCut.toxicName(d)));
                }
            }
        });
    }

    /**
     * Chaos step: heals every link that has a toxic or a cut, or is disabled: removes its toxics and enables it.
     * Recorded as {@code link-heal} once per such link; held bytes flow on.
     */
    public void heal() {
        for (Link link : all()) {
            if (!link.toxics().isEmpty() || !link.isEnabled()) {
                step(TimelineAction.LINK_HEAL, link, "link " + link.name(), () -> {
                    link.removeAllToxics();
                    link.enable();
                });
            }
        }
    }

    /** The timeline's subject of a step on {@code link}: the provider for a client link, else the link. */
    static String subjectOf(Link link) {
        String name = link.name();
        if (name.startsWith("client-") && !name.equals(CLIENT_TO_ZOOKEEPER)) {
            return name.substring("client-".length());
        }
        return name;
    }

    /**
     * The timeline action adding {@code toxic} is recorded as: {@code link-reset} for a toxic that closes
     * connections ({@code reset_peer}, {@code limit_data}, {@code timeout} above 0), else {@code link-toxic}.
     */
    public static TimelineAction actionOf(Toxic toxic) {
        boolean closes = toxic.type() == ToxicType.RESET_PEER || toxic.type() == ToxicType.LIMIT_DATA
                || (toxic.type() == ToxicType.TIMEOUT && toxic.attribute("timeout") > 0);
        return closes ? TimelineAction.LINK_RESET : TimelineAction.LINK_TOXIC;
    }

    private static String clientLinkName(String provider) {
        return "client-" + provider;
    }

    private Link link(String name) {
        Link link = links.get(name);
        if (link == null) {
            throw new IllegalArgumentException("the cluster has no link '" + name + "'; its links: "
                    + all().stream().map(Link::name).toList());
        }
        return link;
    }

    private Link own(Link link) {
        Objects.requireNonNull(link, "link");
        if (links.get(link.name()) != link) {
            throw new IllegalArgumentException(link + " is not a link of this cluster");
        }
        return link;
    }

    private void step(TimelineAction action, Link link, String detail, Runnable chaos) {
        requireOpen.accept(action.label());
        String subject = subjectOf(link);
        timeline.record(action, subject, detail);
        try {
            chaos.run();
        } catch (RuntimeException e) {
            timeline.record(action.label() + TimelineAction.FAILED_SUFFIX, subject, String.valueOf(e));
            throw e;
        }
    }

    /** Closes every link and their event loops. Idempotent. */
    @Override
    public void close() {
        links.close();
    }

    @Override
    public String toString() {
        return "ClusterLinks" + all();
    }
}
