package dev.rpcharness.provider;

import static dev.rpcharness.provider.testing.WireClient.callBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.rpcharness.provider.testing.WireClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An implementation that blocks (here: waits on a latch) with the provider's defaults: chaos steps and close still
 * return at once, other calls are still answered, and close stops the provider's threads. With implementations on
 * the I/O thread (the opt-in), a blocked one still delays a step only a bounded time. The bounds below are generous
 * (a stuck step never returns at all); they are not speed assertions.
 */
class BlockingImplementationTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String BLOCKER = Blocker.class.getName();

    /** The served interface. */
    public interface Blocker {
        /** Waits until the test releases it. */
        String block() throws InterruptedException;

        String ping(String text);
    }

    /** Signals when a call entered {@link #block} and holds it until released. */
    public static final class BlockerImpl implements Blocker {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String block() throws InterruptedException {
            entered.countDown();
            release.await(60, TimeUnit.SECONDS);
            return "released";
        }

        @Override
        public String ping(String text) {
            return "pong " + text;
        }
    }

    /** The provider's steps that must not wait for a blocked implementation. */
    enum Step {
        CRASH, FREEZE, STOP, RESTART, CLOSE;

        void run(FakeProvider p) {
            switch (this) {
                case CRASH -> p.crash();
                case FREEZE -> p.freeze();
                case STOP -> p.stop();
                case RESTART -> p.restart();
                case CLOSE -> p.close();
                default -> throw new IllegalStateException(name());
            }
        }
    }

    private final BlockerImpl impl = new BlockerImpl();
    private FakeProvider provider;

    private FakeProvider start(String name) {
        // A short drain: stop() waits for calls in flight at most this long, whatever they do.
        provider = FakeProvider.builder().name(name).drainTimeout(Duration.ofMillis(300))
                .quietPeriod(Duration.ofMillis(50)).serve(Blocker.class, impl).build().start();
        return provider;
    }

    @AfterEach
    void release() {
        impl.release.countDown();
        if (provider != null) {
            provider.close();
        }
    }

    private void blockOneCall(WireClient wire) throws Exception {
        wire.send("b1", callBody("b1", BLOCKER, "block", "[]", "[]"));
        assertThat(impl.entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the blocking call started")
                .isTrue();
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void stepReturnsWhileAnImplementationBlocks(Step step) throws Exception {
        FakeProvider p = start("blocked-" + step.name().toLowerCase());
        try (WireClient wire = new WireClient(p.host(), p.port())) {
            blockOneCall(wire);
            assertTimeoutPreemptively(BOUND, () -> step.run(p), step + " waited for a blocked implementation");
        }
    }

    @Test
    void anotherClientsCallsAreAnsweredWhileOneMethodBlocks() throws Exception {
        FakeProvider p = start("blocked-other-client");
        try (WireClient blocked = new WireClient(p.host(), p.port());
             WireClient other = new WireClient(p.host(), p.port())) {
            blockOneCall(blocked);
            for (int i = 1; i <= 3; i++) {
                String id = "p" + i;
                other.send(id, callBody(id, BLOCKER, "ping", "[\"java.lang.String\"]", "[\"" + i + "\"]"));
                WireClient.Response r = other.read(WAIT);
                assertThat(r.header("X-Rpc-Request-Id")).isEqualTo(id);
                assertThat(r.bodyText()).contains("pong " + i);
            }
        }
    }

    @Test
    void closeStopsTheProvidersThreadsWhileAnImplementationBlocks() throws Exception {
        String name = "blocked-threads";
        FakeProvider p = start(name);
        try (WireClient wire = new WireClient(p.host(), p.port())) {
            blockOneCall(wire);
            assertThat(threadsNamed(name)).isPositive();
            assertTimeoutPreemptively(BOUND, p::close);
        }
        assertThat(threadsNamed(name)).as("live threads of " + name + " once close returned").isZero();
    }

    @Test
    void withImplementationsOnTheIoThreadABlockedOneDelaysCrashAndCloseOnlyABoundedTime() throws Exception {
        provider = FakeProvider.builder().name("blocked-io-thread")
                .implementationThreads(ImplementationThreads.IO_THREAD).drainTimeout(Duration.ofMillis(300))
                .serve(Blocker.class, impl).build().start();
        FakeProvider p = provider;
        try (WireClient wire = new WireClient(p.host(), p.port())) {
            blockOneCall(wire);
            assertTimeoutPreemptively(BOUND, p::crash, "crash waited for the blocked I/O thread");
            assertThat(p.state()).isEqualTo(ProviderState.CRASHED);
            assertTimeoutPreemptively(BOUND, p::close, "close waited for the blocked I/O thread");
            assertThat(p.state()).isEqualTo(ProviderState.CLOSED);
        }
    }

    private static long threadsNamed(String providerName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(providerName + "-")).count();
    }
}
