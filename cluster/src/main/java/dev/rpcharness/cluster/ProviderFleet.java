package dev.rpcharness.cluster;

import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.run.Timeline;
import dev.rpcharness.run.TimelineAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The fake providers of one {@link RpcCluster}: starts the spec's providers ({@code p0}, {@code p1}, ...) on
 * loopback, each registered in the cluster's ZooKeeper, and puts their registrations and their own state changes
 * on the cluster's timeline.
 *
 * <p>Lifecycle: {@link #startAll()} once, while the cluster starts; the cluster closes the providers through
 * {@link #inClosingOrder()}. Threading: the list is safe to read from any thread.
 */
final class ProviderFleet {

    private final ClusterSpec spec;
    private final String connectString;
    private final Timeline timeline;
    private final List<FakeProvider> providers = new CopyOnWriteArrayList<>();
    private final ClusterLinks links;

    /** @param links the cluster's links, or null when the providers are reached directly */
    ProviderFleet(ClusterSpec spec, String connectString, Timeline timeline, ClusterLinks links) {
        this.spec = spec;
        this.connectString = connectString;
        this.timeline = timeline;
        this.links = links;
    }

    /** Starts the spec's providers in index order; a provider that fails to start stays in the list to be closed. */
    void startAll() {
        for (int i = 0; i < spec.providers(); i++) {
            String name = TimelineAction.providerName(i);
            FakeProvider.Builder pb = FakeProvider.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .registry(connectString)
                    .basePath(spec.basePath())
                    .name(name)
                    .faultPlan(spec.faultPlan(i).forRun(spec.seed(), i));
            spec.providerSessionTimeout().ifPresent(pb::sessionTimeout);
            spec.services().forEach((iface, supplier) -> serve(pb, iface, supplier));
            if (links != null) {
                // Through its own link to ZooKeeper, advertising the clients' link to it.
                pb.registry(links.prepareProvider(name));
                pb.advertise("127.0.0.1", links.clientToProvider(name).port());
            }
            FakeProvider provider = pb.build();
            providers.add(provider);
            // The provider's own events go on as provider-<its action>: each one TimelineAction.PROVIDER_*
            // (TimelineActionTest checks that every event a provider fires is named there).
            provider.addListener(e -> timeline.record("provider-" + e.action(), e.provider(), e.detail()));
            provider.start();
            if (links != null) {
                // Clients find the node only through the cluster, after every provider has started.
                links.pointAt(name, provider.host(), provider.port());
            }
            timeline.record(TimelineAction.PROVIDER_REGISTERED, provider.name(), provider.address());
        }
    }

    private static <T> void serve(FakeProvider.Builder pb, Class<T> iface, Supplier<?> supplier) {
        Object impl = Objects.requireNonNull(supplier.get(), () -> "implementation supplier of " + iface.getName()
                + " returned null");
        pb.serve(iface, iface.cast(impl));
    }

    /** Provider {@code index}, 0-based. */
    FakeProvider get(int index) {
        if (index < 0 || index >= providers.size()) {
            throw new IndexOutOfBoundsException("provider " + index + " of a cluster of " + providers.size());
        }
        return providers.get(index);
    }

    /** All providers, in index order. */
    List<FakeProvider> all() {
        return List.copyOf(providers);
    }

    /** The name ({@code p<i>}) of the provider at {@code address} (or advertised there), or the address itself. */
    String nameOf(String address) {
        for (FakeProvider p : providers) {
            if (address.equals(p.address()) || address.equals(p.advertisedAddress())) {
                return p.name();
            }
        }
        return address;
    }

    /** The providers, highest index first: the order the cluster closes them in. */
    List<FakeProvider> inClosingOrder() {
        List<FakeProvider> order = new ArrayList<>(providers);
        Collections.reverse(order);
        return order;
    }
}
