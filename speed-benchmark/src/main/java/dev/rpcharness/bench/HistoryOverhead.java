package dev.rpcharness.bench;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.consumer.history.HistoryRecorder;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The cost of the call history (docs/history.md), measured in one run: closed-loop asynchronous echo calls on one
 * fake provider (no ZooKeeper) through a client without a history and a client with a {@link HistoryRecorder},
 * in alternating rounds with the same calls in flight, so both sides see the same machine; then the recorder alone
 * (start, write and end of a call appended from 4 threads), which is the overhead without the network around it.
 * Prints calls per second per round and the medians; asserts nothing.
 *
 * <p>Run, after {@code mvn -B -ntp -o -pl speed-benchmark -am compile dependency:build-classpath
 * -Dmdep.outputFile=/tmp/cp-\${project.artifactId}.txt}: {@code java -cp speed-benchmark/target/classes:fake-provider/target/classes:consumer-core/target/classes:run-format/target/classes:$(cat /tmp/cp-speed-benchmark.txt)
 * dev.rpcharness.bench.HistoryOverhead 40000 256 7} (arguments: calls per round, calls in flight, rounds;
 * default 20000 256 5).
 */
public final class HistoryOverhead {

    private HistoryOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        run(calls, inFlight, rounds, System.out::println);
    }

    /** Runs the comparison and hands each result line to {@code out}. */
    public static void run(int calls, int inFlight, int rounds, Consumer<String> out) throws Exception {
        Path dir = Files.createTempDirectory("rpc-history-bench");
        ConsumerOptions plain = ConsumerOptions.builder().callTimeout(Duration.ofSeconds(10)).build();
        try (FakeProvider provider = FakeProvider.builder().implementationThreads(SpeedBenchmark.IMPLEMENTATIONS)
                .serve(EchoService.class, new EchoServiceImpl()).build().start();
             HistoryRecorder recorder = new HistoryRecorder(dir.resolve("bench.history.jsonl"), 10_000, "bench");
             ConsumerClient without = new ConsumerClient(provider.address(), plain);
             ConsumerClient with = new ConsumerClient(provider.address(),
                     plain.toBuilder().callHistory(recorder).build())) {
            out.accept(SpeedBenchmark.implementationsLine(provider));
            AsyncObjectProxy a = without.createAsync(EchoService.class);
            AsyncObjectProxy b = with.createAsync(EchoService.class);
            for (int w = 0; w < 3; w++) { // warm-up of both (JIT)
                round(a, calls, inFlight);
                round(b, calls, inFlight);
            }
            List<Double> off = new ArrayList<>();
            List<Double> on = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double x = round(a, calls, inFlight);
                double y = round(b, calls, inFlight);
                off.add(x);
                on.add(y);
                out.accept(String.format(Locale.ROOT, "round %d: history off %9.0f calls/s   history on %9.0f calls/s",
                        r + 1, x, y));
            }
            double mOff = median(off);
            double mOn = median(on);
            out.accept(String.format(Locale.ROOT, "median of %d rounds of %d calls, %d in flight: off %.0f calls/s, "
                    + "on %.0f calls/s (%+.1f%%)", rounds, calls, inFlight, mOff, mOn, 100.0 * (mOn - mOff) / mOff));
            recorder.flush(30, TimeUnit.SECONDS);
            out.accept("history file " + recorder.file() + ": " + Files.size(recorder.file()) / 1024 + " KiB, "
                    + recorder.lost() + " events lost");
        }
        out.accept(recorderAlone(1_000_000, 4, dir.resolve("alone.history.jsonl")));
        deleteAll(dir);
    }

    /** Calls/s of one closed-loop round. */
    private static double round(AsyncObjectProxy echo, int calls, int inFlight) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(calls);
        AtomicLong failed = new AtomicLong();
        AsyncRpcCallback callback = new AsyncRpcCallback() {
            @Override
            public void success(Object result) {
                window.release();
                done.countDown();
            }

            @Override
            public void fail(Exception e) {
                failed.incrementAndGet();
                window.release();
                done.countDown();
            }
        };
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no call ended within 30 s");
            }
            echo.call("echo", "ping").addCallback(callback);
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round did not end within 60 s");
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " calls failed in a benchmark round");
        }
        return calls / ((System.nanoTime() - start) / 1e9);
    }

    /** Nanoseconds per recorded call (start + write + end) appended by {@code threads} threads at once. */
    private static String recorderAlone(int callsPerThread, int threads, Path file) throws InterruptedException {
        long elapsed;
        long lost;
        try (HistoryRecorder r = new HistoryRecorder(file, 1000, "alone")) {
            List<Thread> workers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                long base = (long) t * callsPerThread;
                workers.add(new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (long i = base + 1; i <= base + callsPerThread; i++) {
                        long now = System.nanoTime();
                        r.started(i, "EchoService#echo", now);
                        r.written(i, "127.0.0.1:20880", 40000, i, now);
                        r.ended(i, now, null);
                    }
                }));
            }
            workers.forEach(Thread::start);
            long start = System.nanoTime();
            go.countDown();
            for (Thread w : workers) {
                w.join();
            }
            r.flush(60, TimeUnit.SECONDS);
            elapsed = System.nanoTime() - start;
            lost = r.lost();
        }
        long total = (long) callsPerThread * threads;
        return String.format(Locale.ROOT, "recorder alone: %d calls (3 events each) from %d threads appended and "
                + "written in %.2f s = %.0f calls/s, %d events lost", total, threads, elapsed / 1e9,
                total / (elapsed / 1e9), lost);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void deleteAll(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
