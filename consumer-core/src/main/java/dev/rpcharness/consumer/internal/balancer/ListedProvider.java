package dev.rpcharness.consumer.internal.balancer;

import dev.rpcharness.consumer.internal.transport.ConnectivityState;
import dev.rpcharness.consumer.internal.transport.ProviderConnection;
import dev.rpcharness.protocol.ProviderNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One provider the balancer lists: its node, its connections, whether it is connected, ejected or on probation.
 * Mutable; guarded by the balancer's lock (the probe slot alone is also used lock-free by the picker).
 */
final class ListedProvider {
    ProviderNode node;
    final List<ProviderConnection> connections = new ArrayList<>();
    boolean connected;
    boolean ejected;
    /** Non-null while on probation after an ejection: its one probe slot. */
    AtomicLong probe;

    ListedProvider(ProviderNode node) {
        this.node = node;
    }

    /** Whether any of its connections is READY now. */
    boolean anyReady() {
        for (ProviderConnection c : connections) {
            if (c.state() == ConnectivityState.READY) {
                return true;
            }
        }
        return false;
    }
}
