package dev.rpcharness.link.standalone;

import dev.rpcharness.link.Link;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Links;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.link.ToxicScope;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.registration.ProviderEndpoint;
import dev.rpcharness.provider.standalone.StandaloneExtension;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The links of one stand-alone provider ({@code --links}): the provider reaches ZooKeeper through link
 * {@code NAME-zookeeper}, and clients reach it through link {@code NAME-clients}, whose address is what the provider
 * advertises. Admin steps: {@code cut-zookeeper}, {@code cut-clients} (both ways), {@code cut-client-requests},
 * {@code cut-client-answers} (one way), and {@code heal} (removes every cut). A cut is a {@code timeout} toxic with
 * timeout 0 per direction, named {@code cut-requests} or {@code cut-answers}: bytes are held, nothing is closed.
 *
 * <p>Lifecycle as {@link StandaloneExtension}: both links are made in {@link #prepare}, the client link is pointed
 * at the provider in {@link #started}, and {@link #close()} closes both links and their event loops. Steps run on
 * the admin's one thread; the links themselves are thread-safe.
 */
public final class ProviderLinks implements StandaloneExtension {

    private static final InetSocketAddress NOWHERE = new InetSocketAddress("127.0.0.1", 0);

    private final Links links;
    private Link toZooKeeper;
    private Link fromClients;

    /** @param seed the seed the links' toxicity draws derive from */
    public ProviderLinks(long seed) {
        this.links = new Links(1, seed, ToxicScope.OPEN_AND_NEW);
    }

    /**
     * Makes the two links; the provider registers through the ZooKeeper link and advertises the client link.
     *
     * @throws IllegalArgumentException when the provider does not register or names more than one server
     */
    @Override
    public ProviderEndpoint prepare(ProviderEndpoint endpoint) {
        if (!endpoint.registers() || endpoint.registry().contains(",")) {
            throw new IllegalArgumentException("--links needs --zk with exactly one ZooKeeper server (host:port), got "
                    + endpoint.registry());
        }
        if (endpoint.advertises()) {
            throw new IllegalArgumentException("--links advertises the client link's address; it cannot be combined"
                    + " with an advertised address (" + endpoint.advertisedHost() + ")");
        }
        if (endpoint.host().equals("0.0.0.0") || endpoint.host().equals("::")) {
            throw new IllegalArgumentException("--links advertises the client link on --host, which must be one"
                    + " address clients can reach, not " + endpoint.host());
        }
        String zk = endpoint.registry();
        int slash = zk.indexOf('/');
        String chroot = slash < 0 ? "" : zk.substring(slash);
        String hostPort = slash < 0 ? zk : zk.substring(0, slash);
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--links needs --zk as host:port, got " + zk);
        }
        InetSocketAddress server = new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
        String name = endpoint.nameOr("provider");
        toZooKeeper = links.create(name + "-zookeeper", NOWHERE, server, true);
        fromClients = links.create(name + "-clients", new InetSocketAddress(endpoint.host(), 0), NOWHERE, true);
        return endpoint.toBuilder().registry(toZooKeeper.address() + chroot)
                .advertise(fromClients.listenAddress().getHostString(), fromClients.port()).build();
    }

    @Override
    public void started(FakeProvider provider) {
        String address = provider.address();
        int colon = address.lastIndexOf(':');
        fromClients.upstream(new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))));
    }

    @Override
    public Map<String, Supplier<String>> adminSteps() {
        Map<String, Supplier<String>> steps = new LinkedHashMap<>();
        steps.put("cut-zookeeper", () -> cut(toZooKeeper, LinkDirection.UPSTREAM, LinkDirection.DOWNSTREAM));
        steps.put("cut-clients", () -> cut(fromClients, LinkDirection.UPSTREAM, LinkDirection.DOWNSTREAM));
        steps.put("cut-client-requests", () -> cut(fromClients, LinkDirection.UPSTREAM));
        steps.put("cut-client-answers", () -> cut(fromClients, LinkDirection.DOWNSTREAM));
        steps.put("heal", this::heal);
        return steps;
    }

    /** The link the provider reaches ZooKeeper through (after {@link #prepare}). */
    public Link toZooKeeper() {
        return toZooKeeper;
    }

    /** The link clients reach the provider through (after {@link #prepare}). */
    public Link fromClients() {
        return fromClients;
    }

    private String cut(Link link, LinkDirection... directions) {
        requirePrepared();
        for (LinkDirection d : directions) {
            String toxic = d == LinkDirection.UPSTREAM ? "cut-requests" : "cut-answers";
            if (link.toxic(toxic) == null) {
                link.addToxic(Toxic.timeout(d, Duration.ZERO).withName(toxic));
            }
        }
        return "cut " + List.of(directions) + " on " + link.name();
    }

    private String heal() {
        requirePrepared();
        for (Link link : List.of(toZooKeeper, fromClients)) {
            link.removeAllToxics();
            link.enable();
        }
        return "healed " + toZooKeeper.name() + ", " + fromClients.name();
    }

    private void requirePrepared() {
        if (toZooKeeper == null) {
            throw new IllegalStateException("the provider's links are not made yet");
        }
    }

    @Override
    public void close() {
        links.close();
    }
}
