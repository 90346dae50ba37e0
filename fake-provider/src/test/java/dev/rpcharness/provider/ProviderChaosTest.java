package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.provider.testing.CatalogService;
import dev.rpcharness.provider.testing.CatalogServiceImpl;
import dev.rpcharness.provider.testing.WireClient;
import dev.rpcharness.provider.testing.WireClient.Ending;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whole-provider chaos without a registry: crash, freeze/thaw, graceful stop, restart, events, states. */
class ProviderChaosTest {

    private static final String CATALOG = CatalogService.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final CatalogServiceImpl impl = new CatalogServiceImpl();
    private final List<ProviderEvent> events = new CopyOnWriteArrayList<>();
    private FakeProvider provider;

    @BeforeEach
    void start() {
        // CatalogService#gate waits on a latch: fine, implementations run on the worker pool by default.
        provider = FakeProvider.builder().name("chaos")
                .serve(CatalogService.class, impl).build();
        provider.addListener(events::add);
        provider.start();
    }

    @AfterEach
    void stop() {
        impl.gate.countDown();
        provider.close();
    }

    private WireClient connect() throws Exception {
        WireClient w = new WireClient(provider.host(), provider.port());
        await().atMost(WAIT).until(() -> provider.openConnections() > 0);
        return w;
    }

    private static void hello(WireClient w, String id) throws Exception {
        w.send(id, callBody(id, CATALOG, "hello", "[\"java.lang.String\"]", "[\"" + id + "\"]"));
    }

    private static void gate(WireClient w, String id) throws Exception {
        w.send(id, callBody(id, CATALOG, "gate", "[\"java.lang.String\"]", "[\"" + id + "\"]"));
    }

    @Test
    void crashResetsEveryConnectionAndStopsListening() throws Exception {
        try (WireClient a = connect(); WireClient b = connect()) {
            await().atMost(WAIT).until(() -> provider.openConnections() == 2);
            gate(a, "1");
            await().atMost(WAIT).until(() -> provider.stats().received() == 1);
            provider.crash();
            assertThat(a.readToEnd(WAIT).ending()).isEqualTo(Ending.RESET);
            assertThat(b.readToEnd(WAIT).ending()).isEqualTo(Ending.RESET);
        }
        assertThat(provider.state()).isEqualTo(ProviderState.CRASHED);
        assertThatThrownBy(() -> new WireClient(provider.host(), provider.port()))
                .isInstanceOf(ConnectException.class);
        await().atMost(WAIT).until(() -> provider.openConnections() == 0);
    }

    @Test
    void freezeHoldsAnswersWithTheSocketOpenAndThawReleasesThem() throws Exception {
        try (WireClient w = connect()) {
            gate(w, "1");
            await().atMost(WAIT).until(() -> provider.stats().received() == 1);
            provider.freeze();
            impl.gate.countDown();
            hello(w, "2");
            WireClient.Tail silence = w.readToEnd(Duration.ofMillis(400));
            assertThat(silence.ending()).isEqualTo(Ending.TIMEOUT);
            assertThat(silence.bytes()).isEmpty();
            assertThat(provider.openConnections()).isEqualTo(1);
            assertThat(provider.stats().received()).isEqualTo(1);

            provider.thaw();
            assertThat(w.read(WAIT).header("X-Rpc-Request-Id")).isEqualTo("1");
            assertThat(w.read(WAIT).header("X-Rpc-Request-Id")).isEqualTo("2");
        }
        assertThat(events).extracting(ProviderEvent::action).containsSubsequence("start", "freeze", "thaw");
    }

    @Test
    void connectionOpenedDuringFreezeIsServedOnlyAfterThaw() throws Exception {
        provider.freeze();
        try (WireClient w = new WireClient(provider.host(), provider.port())) {
            hello(w, "1");
            assertThat(w.readToEnd(Duration.ofMillis(300)).ending()).isEqualTo(Ending.TIMEOUT);
            provider.thaw();
            assertThat(w.read(WAIT).bodyText()).contains("Hello 1");
        }
    }

    @Test
    void stopAnswersCallsInFlightThenClosesAndRefusesConnections() throws Exception {
        try (WireClient w = connect()) {
            gate(w, "1");
            await().atMost(WAIT).until(() -> provider.callsInFlight() == 1);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(provider::stop);
            await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(
                    () -> new WireClient(provider.host(), provider.port()).close())
                    .isInstanceOf(ConnectException.class));
            assertThat(stopping).isNotDone();
            impl.gate.countDown();
            stopping.get(5, TimeUnit.SECONDS);
            WireClient.Response r = w.read(WAIT);
            assertThat(r.bodyText()).contains("opened 1");
            assertThat(w.readToEnd(WAIT).ending()).isEqualTo(Ending.EOF);
        }
        assertThat(provider.state()).isEqualTo(ProviderState.STOPPED);
    }

    @Test
    void callsArrivingOnOpenConnectionsWhileStoppingAreStillAnswered() throws Exception {
        try (WireClient w = connect()) {
            gate(w, "1");
            await().atMost(WAIT).until(() -> provider.callsInFlight() == 1);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(provider::stop);
            await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(
                    () -> new WireClient(provider.host(), provider.port()).close())
                    .isInstanceOf(ConnectException.class));
            hello(w, "2"); // a consumer that has not yet seen the node go
            WireClient.Response late = w.read(WAIT);
            assertThat(late.header("X-Rpc-Request-Id")).isEqualTo("2");
            impl.gate.countDown();
            assertThat(w.read(WAIT).header("X-Rpc-Request-Id")).isEqualTo("1");
            stopping.get(5, TimeUnit.SECONDS);
            assertThat(w.readToEnd(WAIT).ending()).isEqualTo(Ending.EOF);
        }
    }

    @Test
    void restartServesAgainOnTheSamePortAfterCrashOrStop() throws Exception {
        int port = provider.port();
        provider.crash();
        provider.restart();
        assertThat(provider.port()).isEqualTo(port);
        try (WireClient w = connect()) {
            hello(w, "1");
            assertThat(w.read(WAIT).status()).isEqualTo(200);
        }
        provider.stop();
        provider.restart();
        try (WireClient w = connect()) {
            hello(w, "2");
            assertThat(w.read(WAIT).status()).isEqualTo(200);
        }
        provider.restart(); // from RUNNING: graceful stop, then start
        assertThat(provider.state()).isEqualTo(ProviderState.RUNNING);
        assertThat(events).extracting(ProviderEvent::action)
                .containsExactly("start", "crash", "restart", "stop", "restart", "restart");
        assertThat(events).allSatisfy(e -> assertThat(e.provider()).isEqualTo("chaos"));
    }

    @Test
    void illegalStepsNameTheProviderAndItsState() {
        assertThatThrownBy(provider::thaw).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chaos").hasMessageContaining("RUNNING");
        assertThatThrownBy(provider::expireSession).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no registry");
        provider.close();
        assertThatThrownBy(provider::restart).hasMessageContaining("CLOSED");
    }

    @Test
    void faultPlanChangeIsAnEvent() {
        provider.faultPlan(dev.rpcharness.provider.fault.FaultPlan.none());
        assertThat(events).extracting(ProviderEvent::action).containsExactly("start", "faultPlan");
    }
}
