package dev.rpcharness.consumer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.RpcException;
import dev.rpcharness.consumer.RpcFuture;
import dev.rpcharness.consumer.RpcTimeoutException;
import dev.rpcharness.consumer.testing.WirePeer;
import dev.rpcharness.consumer.testing.WirePeer.Exchange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One try of a fuzz property, on real loopback sockets: a {@link WirePeer} and a {@link ConsumerClient} of its
 * own (nothing carries over between cases, so a failing case replays alike from its seed or fuzzer input). The client makes one
 * warm-up call (so the connection is up and every fuzzed call goes out on it), then the case's calls; once the
 * peer has received all of them it writes the case's bytes, cut into its writes, and ends the connection as the
 * case says. Used by the property's thread; closing it closes the client, then the peer.
 */
final class WireTrial implements AutoCloseable {

    /** How long anything may take before the property calls it a hang; generous for a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(20);

    /**
     * How long the client may take to get back to work after a case (a probe ends at the 500 ms call timeout
     * at worst; one or two usually do). Short enough that a stuck case fails in reasonable time.
     */
    static final Duration RECOVERY = Duration.ofSeconds(8);

    private final WirePeer peer;
    private final ConsumerClient client;
    private final AsyncObjectProxy proxy;
    private Batch lastBatch;

    WireTrial(Duration callTimeout) {
        this.peer = new WirePeer(new Object()).start();
        this.client = new ConsumerClient(peer.address(), ConsumerOptions.builder()
                .callTimeout(callTimeout)
                .connectionsPerProvider(1)
                .ioThreads(1)
                .maxResponseBytes(Wire.MAX_RESPONSE_BYTES)
                .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
                .build());
        this.proxy = client.createAsync(FuzzService.class);
    }

    /** The request ids the last case's calls got, as the peer saw them. */
    WireCase.Ids lastIds() {
        return new WireCase.Ids(lastBatch.ids.clone());
    }

    ConsumerClient client() {
        return client;
    }

    WirePeer peer() {
        return peer;
    }

    /** Runs the case and returns its calls once each has ended, or fails naming those that did not. */
    List<CallRecord> run(WireCase wireCase) throws Exception {
        Batch batch = new Batch(wireCase);
        lastBatch = batch;
        peer.script(batch);
        warmUp();
        List<CallRecord> calls = new ArrayList<>();
        for (int i = 0; i < wireCase.calls().size(); i++) {
            FuzzMethod method = wireCase.calls().get(i);
            calls.add(new CallRecord(i, method, proxy.call(method.javaName, i)));
        }
        if (!batch.written.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the peer received only " + batch.arrived() + " of " + calls.size()
                    + " calls within " + BOUND + ": " + calls);
        }
        long deadline = System.nanoTime() + BOUND.toNanos();
        for (CallRecord call : calls) {
            while (call.ends() == 0 && System.nanoTime() - deadline < 0) {
                try {
                    call.future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // the record says how it ended; only its callback counts
                }
                if (call.future.isDone() && call.ends() == 0) {
                    Thread.onSpinWait(); // the callback is on its way to the callback executor
                }
            }
            if (call.ends() == 0) {
                throw new AssertionError("call " + call.index + " (" + call.method.javaName + ") did not end within "
                        + BOUND + " after the peer answered; all calls: " + calls);
            }
        }
        return calls;
    }

    /**
     * Makes the warm-up call, again while it times out: on a loaded machine (a fuzzing JVM that has just
     * instrumented Netty, or two shared cores) the first call on a new connection can take longer than the 500 ms
     * call timeout of the open-connection property. The case has not begun, so that is no finding; the late answer
     * is dropped by the client as the answer of a call that already ended.
     */
    private void warmUp() throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            try {
                Object warm = proxy.call(FuzzMethod.TEXT.javaName, Batch.WARM_UP)
                        .get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(warm).as("warm-up call").isEqualTo("warm");
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RpcTimeoutException) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
        }
    }

    /** Waits until the client has no call pending, or fails saying how many are left. */
    void awaitNothingPending() throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (client.pendingCalls() != 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1); // polling a counter; nothing to be notified by
        }
        assertThat(client.pendingCalls()).as("pendingCalls() after every call ended").isZero();
    }

    /**
     * Probes until a plain call succeeds: the client must get back to work after whatever the case did to its
     * connection (reconnecting if it closed it). Fails with the last probe's error after {@link #RECOVERY}.
     */
    void awaitWorking() throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        Throwable last = null;
        int probes = 0;
        while (System.nanoTime() - deadline < 0) {
            probes++;
            RpcFuture probe = proxy.call(FuzzMethod.TEXT.javaName, Batch.PROBE);
            try {
                Object value = probe.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(value).as("probe result").isEqualTo("probe");
                return;
            } catch (ExecutionException e) {
                last = e.getCause();
                assertThat(last).as("probe failure").isInstanceOf(RpcException.class);
            } catch (TimeoutException e) {
                throw new AssertionError("probe call did not end within " + BOUND, e);
            }
        }
        throw new AssertionError("the client did not get back to work within " + RECOVERY + " (" + probes
                + " probes); last probe failed with " + last + "; the peer wrote: " + lastBatch.written(), last);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            peer.close();
        }
    }

    /** The peer's script for one case: plain answers to warm-up and probe calls, the case's bytes to the rest. */
    static final class Batch implements WirePeer.Script {
        static final int WARM_UP = -1;
        static final int PROBE = -2;

        private final WireCase wireCase;
        private final String[] ids;
        private final CountDownLatch written = new CountDownLatch(1);
        private int arrived;

        Batch(WireCase wireCase) {
            this.wireCase = wireCase;
            this.ids = new String[wireCase.calls().size()];
        }

        /** The client may have closed the connection already (it saw a violation): then there is nothing to reset. */
        private static void resetUnlessClosed(Exchange exchange) {
            try {
                exchange.reset();
            } catch (io.netty.channel.ChannelException closedAlready) {
                exchange.close();
            }
        }

        /** The bytes the case wrote, escaped, for failure messages. */
        synchronized String written() {
            if (arrived < ids.length) {
                return "(nothing yet)";
            }
            StringBuilder out = new StringBuilder();
            for (byte[] write : wireCase.render(new WireCase.Ids(ids.clone()))) {
                for (byte b : write) {
                    int c = b & 0xff;
                    out.append(c == '\\' ? "\\\\" : c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                            : c == '\r' ? "\\r" : c == '\n' ? "\\n" : String.format("\\x%02x", c));
                }
                out.append(" | ");
            }
            return out.length() > 6000 ? out.substring(0, 6000) + "..." : out.toString();
        }

        synchronized int arrived() {
            return arrived;
        }

        @Override
        public void answer(Exchange exchange) throws Exception {
            int tag = exchange.request().parameters().get(0).asInt();
            if (tag < 0) {
                exchange.result(tag == WARM_UP ? "warm" : "probe");
                return;
            }
            synchronized (this) {
                ids[tag] = exchange.id();
                if (++arrived < ids.length) {
                    return;
                }
            }
            try {
                for (byte[] write : wireCase.render(new WireCase.Ids(ids.clone()))) {
                    exchange.raw(new String(write, StandardCharsets.ISO_8859_1));
                }
                switch (wireCase.ending()) {
                    case CLOSE -> exchange.rawThenClose("");
                    case RESET -> resetUnlessClosed(exchange);
                    case KEEP_OPEN -> { }
                }
            } finally {
                written.countDown();
            }
        }
    }
}
