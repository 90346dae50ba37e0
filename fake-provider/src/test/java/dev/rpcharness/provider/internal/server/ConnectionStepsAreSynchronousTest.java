package dev.rpcharness.provider.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code freeze}, {@code thaw} and stop-reading are queued to the connections' event loops; they must not return
 * before they took effect there, so a test may act on the new state right after them. Each test holds the
 * provider's event loop busy, starts the step, checks it has not returned while the loop could not run it, then
 * frees the loop and checks the step's effect on every connection as soon as it returns.
 */
class ConnectionStepsAreSynchronousTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CatalogServiceImpl impl = new CatalogServiceImpl();
    private TestServer provider;
    private WireClient a;
    private WireClient b;
    private List<ServerConnection> connections;

    @BeforeEach
    void start() throws Exception {
        provider = TestServer.serving("steps", 1 << 20, CatalogService.class, impl);
        a = new WireClient(provider.host(), provider.port());
        b = new WireClient(provider.host(), provider.port());
        await().atMost(WAIT).until(() -> provider.server().openConnections() == 2);
        connections = provider.connections().snapshot();
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
        provider.close();
    }

    /** Runs {@code step} on another thread while every connection's event loop is held; returns its future. */
    private CompletableFuture<Void> whileEventLoopsAreHeld(Runnable step) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(connections.size());
        for (ServerConnection c : connections) {
            c.channel().eventLoop().execute(() -> {
                held.countDown();
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            // One event loop serves both connections: the first held task holds it, the second runs after release.
            await().atMost(WAIT).until(() -> held.getCount() < connections.size());
            CompletableFuture<Void> running = CompletableFuture.runAsync(step);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !running.isDone());
            return running;
        } finally {
            release.countDown();
        }
    }

    @Test
    void freezeHasStoppedReadingOnEveryConnectionWhenItReturns() throws Exception {
        whileEventLoopsAreHeld(provider.server()::freeze).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(connections).allSatisfy(c -> {
            assertThat(c.isReading()).as("reading after freeze").isFalse();
            assertThat(c.isFrozen()).as("frozen after freeze").isTrue();
        });
    }

    @Test
    void thawReadsAgainOnEveryConnectionWhenItReturns() throws Exception {
        provider.server().freeze();
        whileEventLoopsAreHeld(provider.server()::thaw).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(connections).allSatisfy(c -> {
            assertThat(c.isReading()).as("reading after thaw").isTrue();
            assertThat(c.isFrozen()).as("frozen after thaw").isFalse();
        });
    }

    @Test
    void stopReadingHasTakenEffectOnEveryConnectionWhenItReturns() throws Exception {
        whileEventLoopsAreHeld(() -> provider.connections().stopReading())
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(connections).allSatisfy(c -> assertThat(c.isReading()).as("reading after stop").isFalse());
    }
}
