package dev.rpcharness.loadtest.bench;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.FakeProvider;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * A quick closed-loop comparison on one provider in one run: asynchronous echo calls through the consumer core's
 * {@link ConsumerClient} against the same calls through {@link RawHttpRpcClient} (bare Netty, one connection),
 * with the same number of calls in flight. Prints calls per second and latency percentiles; asserts nothing.
 *
 * <p>Run: {@code mvn -pl loadtest -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.rpcharness.loadtest.bench.ClientComparison} (arguments: calls per round, calls in flight,
 * rounds), or through {@code ClientComparisonTest} with {@code -Drpc.bench=true}.
 */
public final class ClientComparison {

    /** One round of one client. */
    public record Result(String client, long calls, long failures, double seconds, Histogram latencyMicros) {

        public double callsPerSecond() {
            return seconds > 0 ? calls / seconds : 0.0;
        }

        public String line() {
            return String.format(Locale.ROOT,
                    "%-14s %8d calls %4d failed in %6.2f s = %9.0f calls/s   p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms",
                    client, calls, failures, seconds, callsPerSecond(),
                    latencyMicros.getValueAtPercentile(50) / 1000.0, latencyMicros.getValueAtPercentile(99) / 1000.0,
                    latencyMicros.getValueAtPercentile(99.9) / 1000.0);
        }
    }

    private ClientComparison() {
    }

    /** Runs {@code rounds} alternating rounds of each client and hands every result line to {@code out}. */
    public static void run(int calls, int inFlight, int rounds, Consumer<String> out) {
        ConsumerOptions options = ConsumerOptions.builder().callTimeout(Duration.ofSeconds(5)).build();
        try (RpcCluster cluster = RpcCluster.builder().providers(1).serve(EchoService.class, EchoServiceImpl::new)
                .clientOptions(options).build()) {
            FakeProvider provider = cluster.provider(0);
            ConsumerClient client = cluster.newClient(options);
            AsyncObjectProxy echo = client.createAsync(EchoService.class);
            try (RawHttpRpcClient raw = new RawHttpRpcClient(provider.host(), provider.port(),
                    EchoService.class.getName(), "echo", String.class.getName(), "\"ping\"")) {
                out.accept("warm-up: " + consumer(echo, Math.min(calls, 20_000), inFlight).line());
                out.accept("warm-up: " + raw(raw, Math.min(calls, 20_000), inFlight).line());
                for (int r = 1; r <= rounds; r++) {
                    out.accept("round " + r + ": " + consumer(echo, calls, inFlight).line());
                    out.accept("round " + r + ": " + raw(raw, calls, inFlight).line());
                }
            }
        }
    }

    /** {@code calls} echo calls through the consumer core, {@code inFlight} at a time. */
    public static Result consumer(AsyncObjectProxy echo, int calls, int inFlight) {
        return loop("consumer-core", calls, inFlight, done -> {
            long start = System.nanoTime();
            echo.call("echo", "ping").addCallback(new AsyncRpcCallback() {
                @Override
                public void success(Object result) {
                    done.accept(start, System.nanoTime());
                }

                @Override
                public void fail(Exception e) {
                    done.accept(start, -1L);
                }
            });
        });
    }

    /** {@code calls} echo calls through the raw Netty client, {@code inFlight} at a time. */
    public static Result raw(RawHttpRpcClient raw, int calls, int inFlight) {
        return loop("raw-netty", calls, inFlight, done -> {
            long start = System.nanoTime();
            raw.send(end -> done.accept(start, end));
        });
    }

    private interface Done {
        void accept(long startNanos, long endNanos);
    }

    private static Result loop(String name, int calls, int inFlight, Consumer<Done> send) {
        Semaphore window = new Semaphore(inFlight);
        Recorder latencies = new Recorder(3);
        AtomicLong failures = new AtomicLong();
        Done done = (start, end) -> {
            if (end < 0) {
                failures.incrementAndGet();
            } else {
                latencies.recordValue(Math.max(0, (end - start) / 1_000));
            }
            window.release();
        };
        long begin = System.nanoTime();
        long deadline = begin + TimeUnit.SECONDS.toNanos(120);
        int sent = 0;
        try {
            for (; sent < calls; sent++) {
                if (!window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                send.accept(done);
            }
            window.tryAcquire(inFlight, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Result(name, sent, failures.get(), seconds, latencies.getIntervalHistogram());
    }

    /** Arguments: calls per round (200000), calls in flight (64), rounds (3). */
    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        run(calls, inFlight, rounds, System.out::println);
    }
}
