package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.rpcharness.consumer.testing.TestPorts;
import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Routing listeners are user code: they are called outside the client's locks and off its I/O threads, one event
 * at a time and in order, so a slow listener cannot stall routing and one that calls the client back cannot
 * deadlock it.
 */
class RoutingListenerTest {

    /** A client of a provider that is not up yet (it reconnects quickly), so a listener sees it connect. */
    private static ConsumerClient clientOf(WirePeer notStarted) {
        return new ConsumerClient(notStarted.address(), ConsumerOptions.builder().connectionsPerProvider(1)
                .providerWaitTimeout(Duration.ofSeconds(10))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(50)).build());
    }

    @Test
    void aListenerBlockedOnALatchDoesNotStopCallsFromRouting() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        List<RoutingEvent> seen = new CopyOnWriteArrayList<>();
        try (WirePeer peer = new WirePeer(new HelloServiceImpl(), TestPorts.freePort());
             ConsumerClient client = clientOf(peer)) {
            client.addRoutingListener(e -> {
                seen.add(e);
                if (e.kind() == RoutingEvent.Kind.CONNECTED) {
                    blocked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            peer.start();
            assertThat(blocked.await(10, TimeUnit.SECONDS)).as("the listener saw the provider connect").isTrue();
            try {
                String answer = assertTimeoutPreemptively(Duration.ofSeconds(20),
                        () -> client.create(HelloService.class).hello("while the listener blocks"));
                assertThat(answer).contains("while the listener blocks");
                assertThat(client.connectedProviders()).containsExactly(peer.address());
            } finally {
                release.countDown();
            }
            assertThat(seen).extracting(RoutingEvent::kind).containsExactly(RoutingEvent.Kind.CONNECTED);
        }
    }

    @Test
    void aListenerThatCallsTheClientBackUnderItsOwnLockDoesNotDeadlock() throws Exception {
        // As a timeline does: the listener records under the owner's lock, and the owner, holding that lock,
        // asks the client for its providers.
        ReentrantLock ownerLock = new ReentrantLock();
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean gaveUp = new AtomicBoolean();
        List<List<String>> ejectedSeen = new CopyOnWriteArrayList<>();
        try (WirePeer peer = new WirePeer(new HelloServiceImpl(), TestPorts.freePort());
             ConsumerClient client = clientOf(peer)) {
            client.addRoutingListener(e -> {
                if (e.kind() != RoutingEvent.Kind.CONNECTED) {
                    return;
                }
                entered.countDown();
                try {
                    // Bounded, so a deadlock ends as a failure rather than a hung build.
                    if (!ownerLock.tryLock(5, TimeUnit.SECONDS)) {
                        gaveUp.set(true);
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    ejectedSeen.add(client.ejectedProviders());
                } finally {
                    ownerLock.unlock();
                }
            });
            ownerLock.lock();
            try {
                peer.start();
                assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(client.connectedProviders()).containsExactly(peer.address());
            } finally {
                ownerLock.unlock();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ejectedSeen.size() == 1 || gaveUp.get());
            assertThat(gaveUp).as("the listener waited for the owner's lock while the client's was held").isFalse();
            assertThat(ejectedSeen).containsExactly(List.of());
        }
    }
}
