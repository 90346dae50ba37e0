package dev.rpcharness.consumer;

import dev.rpcharness.consumer.testing.WirePeer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A quick figure, not a benchmark: async calls per second through the client to a peer on loopback, with a
 * bounded number in flight. Run with
 * {@code mvn -q -pl consumer-core test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.rpcharness.consumer.AsyncThroughputProbe}. Bounded: 3 s warm-up, 5 s measured.
 */
public final class AsyncThroughputProbe {

    private AsyncThroughputProbe() {
    }

    public static void main(String[] args) throws Exception {
        int window = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        WirePeer.Script echo = exchange -> exchange.result("Hello " + exchange.request().parameters().get(0).asText());
        try (WirePeer peer = new WirePeer(new HelloServiceImpl()).script(echo).start();
             ConsumerClient client = new ConsumerClient(peer.address(),
                     ConsumerOptions.builder().ioThreads(1).build())) {
            AsyncObjectProxy async = client.createAsync(HelloService.class);
            run(async, window, Duration.ofSeconds(3));
            long calls = run(async, window, Duration.ofSeconds(5));
            System.out.printf("async calls through ConsumerClient, window %d: %.0f calls/s%n", window, calls / 5.0);
        }
    }

    private static long run(AsyncObjectProxy async, int window, Duration length) throws InterruptedException {
        Semaphore inFlight = new Semaphore(window);
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            inFlight.acquire();
            async.call("hello", "x").addCallback(new AsyncRpcCallback() {
                @Override
                public void success(Object result) {
                    ok.incrementAndGet();
                    inFlight.release();
                }

                @Override
                public void fail(Exception e) {
                    inFlight.release();
                }
            });
        }
        inFlight.tryAcquire(window, 10, TimeUnit.SECONDS);
        return ok.get();
    }
}
