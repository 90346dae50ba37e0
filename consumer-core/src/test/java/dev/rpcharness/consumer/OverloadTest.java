package dev.rpcharness.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rpcharness.consumer.testing.FrozenPeer;
import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Overload bound and backpressure under a frozen provider (issue 7, "Overload" and observation 6). */
class OverloadTest {

    @Test
    void callsPastMaxCallsInFlightFailAtOnceNamingTheBound() throws Exception {
        try (FrozenPeer frozen = new FrozenPeer();
             ConsumerClient client = new ConsumerClient(frozen.address(), ConsumerOptions.builder()
                     .callTimeout(Duration.ofSeconds(30)).maxCallsInFlight(100).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            List<RpcFuture> held = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                held.add(async.call("hello", "n" + i));
            }
            assertThat(client.pendingCalls()).isEqualTo(100);
            RpcFuture over = async.call("hello", "one too many");
            assertThat(over.isDone()).as("failed at once, not at a timeout").isTrue();
            assertThat(over.failure()).isInstanceOf(OverloadException.class)
                    .hasMessageContaining("HelloService#hello").hasMessageContaining("100")
                    .hasMessageContaining("maxCallsInFlight");
            assertThat(((OverloadException) over.failure()).limit()).isEqualTo(100);
            assertThatThrownBy(() -> client.create(HelloService.class).hello("sync"))
                    .isInstanceOf(OverloadException.class).hasMessageContaining("100");
            assertThat(client.pendingCalls()).isEqualTo(100);
            assertThat(held).noneMatch(RpcFuture::isDone);
        }
    }

    @Test
    void asyncOverloadFailureIsCheapYetNamesTheBoundAndSyncCallerGetsItsOwnFrames() throws Exception {
        try (FrozenPeer frozen = new FrozenPeer();
             ConsumerClient client = new ConsumerClient(frozen.address(), ConsumerOptions.builder()
                     .callTimeout(Duration.ofSeconds(30)).maxCallsInFlight(3).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            for (int i = 0; i < 3; i++) {
                async.call("hello", "n" + i);
            }
            Throwable over = async.call("hello", "one too many").failure();
            assertThat(over).isInstanceOf(OverloadException.class).hasMessageContaining("HelloService#hello")
                    .hasMessageContaining("3 calls in flight").hasMessageContaining("maxCallsInFlight");
            assertThat(((OverloadException) over).limit()).isEqualTo(3);
            // Fail-fast under overload must cost less than a call: no stack trace filled for an async failure.
            assertThat(over.getStackTrace()).as("stack trace of an async overload failure").isEmpty();
            Throwable sync = org.assertj.core.api.Assertions.catchThrowable(
                    () -> client.create(HelloService.class).hello("sync"));
            assertThat(sync).isInstanceOf(OverloadException.class).hasMessageContaining("3 calls in flight");
            assertThat(sync.getStackTrace()).as("a sync caller sees its own frames")
                    .anyMatch(f -> f.getClassName().equals(OverloadTest.class.getName()));
        }
    }

    @Test
    void boundFreesAsCallsEnd() throws Exception {
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(peer.address(), ConsumerOptions.builder()
                     .maxCallsInFlight(2).build())) {
            HelloService hello = client.create(HelloService.class);
            for (int i = 0; i < 20; i++) {
                assertThat(hello.hello("n" + i)).isEqualTo("Hello n" + i);
            }
            assertThat(client.pendingCalls()).isZero();
        }
    }

    /** How the calls of {@link #againstFrozenAndLive} ended: answered, or timed out on which side. */
    private record Outcome(int ok, int onFrozen, int onLive, int unsent) {
    }

    /**
     * Sends {@code calls} async calls at once to a client of a frozen provider (accepts, never reads) and a live
     * one, waits for every call to end (each either answered or timed out) and for nothing to be pending.
     */
    private static Outcome againstFrozenAndLive(int calls, String argument, ConsumerOptions options)
            throws Exception {
        try (FrozenPeer frozen = new FrozenPeer();
             WirePeer live = new WirePeer(new HelloServiceImpl()).start();
             ConsumerClient client = new ConsumerClient(frozen.address() + "," + live.address(), options)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.connectedProviders().size() == 2);
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            List<RpcFuture> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                futures.add(async.call("hello", argument));
            }
            int ok = 0;
            int onFrozen = 0;
            int onLive = 0;
            int unsent = 0;
            for (RpcFuture f : futures) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                    ok++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(RpcTimeoutException.class);
                    if (f.providerAddress() == null) {
                        unsent++;
                    } else if (frozen.address().equals(f.providerAddress())) {
                        onFrozen++;
                    } else {
                        onLive++;
                    }
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> client.pendingCalls() == 0);
            return new Outcome(ok, onFrozen, onLive, unsent);
        }
    }

    @Test
    void callsAvoidAProviderThatStopsReadingAndItsQueuedCallsEndAtTheirDeadlineUnsent() throws Exception {
        int calls = 200;
        // One connection each: the frozen provider absorbs one connection's kernel buffers.
        Outcome o = againstFrozenAndLive(calls, "y".repeat(100_000), ConsumerOptions.builder()
                .connectionsPerProvider(1).callTimeout(Duration.ofSeconds(5)).outlierConsecutiveFailures(0).build());
        int timedOutOnFrozen = o.onFrozen() + o.unsent(); // written to the frozen provider, or never written at all
        System.out.printf("BACKPRESSURE-2 ok=%d timedOutOnFrozen=%d of %d%n", o.ok(), timedOutOnFrozen, calls);
        // Round robin alone would send half of them to the frozen provider; once its connection is not
        // writable (what the kernel's buffers hold, a few MB) its unsent calls go to the live provider.
        assertThat(timedOutOnFrozen).as("calls that ended on the frozen provider or unsent, of %d", calls)
                .isLessThan(calls * 2 / 5);
    }

    /**
     * A frozen provider's connection stops taking writes with thousands of calls taken and unsent; they move to the
     * live provider a batch per turn of the event loop, and every batch follows until none is left: no call that
     * was never written times out.
     */
    @Test
    void anUnsentBacklogLargerThanOneRerouteBatchMovesWhole() throws Exception {
        int calls = 10_000;
        // 15 s: the live provider answers 10,000 calls of 4 KB in well under a second on a quiet machine, but took
        // over 8 s with the build machine's load average near 20 (thousands timed out on the live provider).
        Outcome o = againstFrozenAndLive(calls, "z".repeat(4_000), ConsumerOptions.builder()
                .callTimeout(Duration.ofSeconds(15)).ioThreads(1).outlierConsecutiveFailures(0).build());
        System.out.printf("BACKPRESSURE-3 ok=%d onFrozen=%d unsent=%d of %d%n", o.ok(), o.onFrozen(), o.unsent(),
                calls);
        assertThat(o.onLive()).as("calls that timed out on the live provider").isZero();
        assertThat(o.onFrozen() + o.unsent()).as("calls that did not reach the live provider").isPositive();
        assertThat(o.unsent()).as("calls never written that timed out instead of moving").isZero();
        assertThat(o.ok()).isEqualTo(calls - o.onFrozen());
    }
}
