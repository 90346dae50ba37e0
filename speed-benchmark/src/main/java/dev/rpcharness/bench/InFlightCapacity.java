package dev.rpcharness.bench;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.demo.EchoService;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * How many calls in flight fit in the heap (issue 21's target: 1,000,000 in 256 MB): asynchronous echo calls
 * ({@link BenchPayload}) sent as fast as they go to a {@link HoldServer} on loopback that reads them and never
 * answers, so every call stays pending in the client. Every {@value #STEP} calls it waits until the server has
 * read all of them (nothing left in the client's write queues), collects garbage and reads the used heap; it stops
 * at the target, when the used heap after a collection passes 90% of the maximum (or the next step would pass
 * 95%), or at the time limit. The per-call cost is (used after GC at N - used after GC at 0) / N, and an in-process
 * class histogram ({@link HeapHistogram}) taken at 0 and at N says which classes those bytes belong to.
 *
 * <p>First, for comparison, the floor client ({@link FloorClient}, whose calls in flight are two array slots); then
 * the consumer core ({@link ConsumerClient}, default options except a 10 minute call timeout and
 * {@code maxCallsInFlight} set to {@code Integer.MAX_VALUE}: its default fails calls past 20,000 with
 * {@code OverloadException}). The result line of each starts {@code INFLIGHT}. Prints figures; asserts nothing.
 *
 * <p>Threading and lifecycle: all on the main thread; each client is closed after its run (closing fails its
 * pending calls: it prints how many were failed within 30 s), the server at the end; every thread left is a
 * daemon, so the JVM ends by itself.
 *
 * <p>Run in its own JVM: {@code java -Xmx256m -cp ... dev.rpcharness.bench.InFlightCapacity [target [seconds
 * [consumer|floor|both]]]} (defaults 1000000 120 both).
 */
public final class InFlightCapacity {

    static final int STEP = 50_000;

    private static final long MB = 1024 * 1024;

    /** What one run measured. */
    private record Outcome(long sent, long inFlight, long usedAtZero, long usedAtN, String stop, HeapHistogram at0,
                           HeapHistogram atN) {
    }

    private final PrintStream out;
    private final long target;
    private final long limitNanos;
    private final long maxHeap = Runtime.getRuntime().maxMemory();

    private InFlightCapacity(PrintStream out, long target, long limitNanos) {
        this.out = out;
        this.target = target;
        this.limitNanos = limitNanos;
    }

    public static void main(String[] args) {
        long target = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 120;
        String which = args.length > 2 ? args[2] : "both";
        InFlightCapacity bench = new InFlightCapacity(System.out, target, TimeUnit.SECONDS.toNanos(seconds));
        bench.out.printf(Locale.ROOT, "in-flight capacity: Java %s, %d cores, %s, max heap %d MB (%s), target %,d "
                        + "calls in flight, at most %d s per client%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(" + ")),
                bench.maxHeap / MB, xmx(), target, seconds);
        try (HoldServer hold = new HoldServer()) {
            // The floor first: closing a client with its calls pending fails them all, which takes heap for a while.
            if (!which.equals("consumer")) {
                bench.floor(hold);
            }
            if (!which.equals("floor")) {
                bench.consumerCore(hold);
            }
        }
    }

    private void consumerCore(HoldServer hold) {
        ConsumerOptions options = ConsumerOptions.defaults().toBuilder().callTimeout(Duration.ofMinutes(10))
                .maxCallsInFlight(Integer.MAX_VALUE).build();
        AtomicLong failed = new AtomicLong();
        AsyncRpcCallback countFailures = new AsyncRpcCallback() {
            @Override
            public void success(Object result) {
            }

            @Override
            public void fail(Exception e) {
                failed.incrementAndGet();
            }
        };
        Outcome o;
        long closing;
        ConsumerClient client = new ConsumerClient("127.0.0.1:" + hold.port(), options);
        try (client) {
            AsyncObjectProxy echo = client.createAsync(EchoService.class);
            awaitConnected(client);
            o = run("consumer core", () -> echo.call(BenchPayload.METHOD, BenchPayload.ARGUMENT)
                    .addCallback(countFailures), hold, failed);
            out.printf(Locale.ROOT, "consumer core: client.pendingCalls() %,d, %,d calls failed before close%n",
                    client.pendingCalls(), failed.get());
            closing = System.nanoTime();
        }
        report("", o);
        awaitFailed("consumer core", failed, o.sent(), closing);
        out.printf(Locale.ROOT, "consumer core closed: client.pendingCalls() %,d%n", client.pendingCalls());
    }

    /** After a client's close: how long until every pending call was failed (at most 30 s), and the heap then. */
    private void awaitFailed(String label, AtomicLong failed, long calls, long closing) {
        long deadline = closing + TimeUnit.SECONDS.toNanos(30);
        while (failed.get() < calls && System.nanoTime() < deadline) {
            sleep(10);
        }
        out.printf(Locale.ROOT, "%s closed: %,d of %,d pending calls failed by the close within %.1f s; used heap "
                        + "after GC then %.1f MB%n", label, failed.get(), calls, (System.nanoTime() - closing) / 1e9,
                usedAfterGc() / (double) MB);
    }

    private void floor(HoldServer hold) {
        AtomicLong failed = new AtomicLong();
        BenchStack.Completion done = (start, ok) -> {
            if (!ok) {
                failed.incrementAndGet();
            }
        };
        Outcome o;
        long closing;
        try (FloorClient client = new FloorClient("127.0.0.1", hold.port(), 1)) {
            o = run("floor client", () -> client.send(0L, done), hold, failed);
            closing = System.nanoTime();
        }
        report("floor client (F, for comparison) ", o);
        awaitFailed("floor client", failed, o.sent(), closing);
    }

    /** Sends calls in steps until a stop condition, measuring the used heap after a collection at each step. */
    private Outcome run(String label, Runnable send, HoldServer hold, AtomicLong failed) {
        long base = hold.received();
        HeapHistogram at0 = HeapHistogram.take();
        long used0 = usedAfterGc();
        long began = System.nanoTime();
        long deadline = began + limitNanos;
        long sent = 0;
        long usedBefore = used0;
        String stop = null;
        out.printf(Locale.ROOT, "-- %s: used heap after GC with 0 calls in flight %.1f MB%n", label,
                used0 / (double) MB);
        while (stop == null) {
            long batch = Math.min(STEP, target - sent);
            for (long i = 0; i < batch; i++) {
                send.run();
            }
            sent += batch;
            boolean written = awaitReceived(hold, base + sent, deadline);
            long used = usedAfterGc();
            double slope = (used - usedBefore) / (double) batch;
            usedBefore = used;
            out.printf(Locale.ROOT, "%s: %,9d sent, %,9d read by the server, %,d failed, %6.1f s: used after GC "
                            + "%6.1f MB (%5.1f%% of max), %6.1f B/call since 0, %6.1f B/call this step%n", label,
                    sent, hold.received() - base, failed.get(), (System.nanoTime() - began) / 1e9,
                    used / (double) MB, 100.0 * used / maxHeap, (used - used0) / (double) sent, slope);
            if (!written) {
                stop = "time limit, the server had not read every call";
            } else if (sent >= target) {
                stop = "target reached";
            } else if (used > 0.9 * maxHeap) {
                stop = "used heap after GC above 90% of max";
            } else if (used + slope * STEP > 0.95 * maxHeap) {
                stop = "the next " + STEP + " calls would take the used heap past 95% of max";
            } else if (System.nanoTime() > deadline) {
                stop = "time limit";
            }
        }
        long usedN = usedAfterGc();
        return new Outcome(sent, sent - failed.get(), used0, usedN, stop, at0, HeapHistogram.take());
    }

    private void report(String who, Outcome o) {
        long n = Math.max(1, o.inFlight());
        double perCall = (o.usedAtN() - o.usedAtZero()) / (double) n;
        out.printf(Locale.ROOT, "INFLIGHT %scalls in flight: %d with %s, heap used after GC %.1f MB (%.0f bytes per "
                        + "call in flight), reached target %,d: %s%n", who, o.inFlight(), xmx(),
                o.usedAtN() / (double) MB, perCall, target, o.inFlight() >= target ? "yes" : "no");
        out.printf(Locale.ROOT, "  stopped: %s; per-call heap cost (used after GC at N %.1f MB - at 0 %.1f MB) / N "
                        + "= %.1f B; at that cost the max heap holds about %,d calls in flight (90%% of it %,d)%n",
                o.stop(), o.usedAtN() / (double) MB, o.usedAtZero() / (double) MB, perCall,
                (long) ((maxHeap - o.usedAtZero()) / perCall), (long) ((0.9 * maxHeap - o.usedAtZero()) / perCall));
        out.println("  heap growth per call in flight by class (class histograms at 0 and at N):");
        HeapHistogram.perCall(o.atN().growthSince(o.at0(), 15), n).forEach(out::println);
    }

    /** The client connects on its own; waits (at most 10 s) until it has a ready connection. */
    private static void awaitConnected(ConsumerClient client) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.connectedProviders().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(client + " did not connect to the hold server within 10 s");
            }
            sleep(10);
        }
    }

    /** Whether the server read {@code count} calls in all before {@code deadline}. */
    private static boolean awaitReceived(HoldServer hold, long count, long deadline) {
        while (hold.received() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(5);
        }
        return true;
    }

    private static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The -Xmx this JVM was started with, as given, or "max heap N MB" without one. */
    private static String xmx() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = args.size() - 1; i >= 0; i--) {
            if (args.get(i).startsWith("-Xmx")) {
                return args.get(i);
            }
        }
        return "no -Xmx (max heap " + Runtime.getRuntime().maxMemory() / MB + " MB)";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
