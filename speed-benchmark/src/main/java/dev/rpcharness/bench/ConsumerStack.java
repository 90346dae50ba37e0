package dev.rpcharness.bench;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.ConsumerClient;
import dev.rpcharness.consumer.ConsumerOptions;
import dev.rpcharness.provider.demo.EchoService;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The consumer core as users call it: {@code AsyncObjectProxy.call("echo", "ping")} with a callback, on a
 * {@link ConsumerClient} connected directly to one provider address.
 *
 * <p>Threading: completions run where the client's options put callbacks. {@link #close} closes the client.
 */
final class ConsumerStack implements BenchStack {

    private final ConsumerClient client;
    private final AsyncObjectProxy echo;
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    ConsumerStack(String address, ConsumerOptions options) {
        client = new ConsumerClient(address, options);
        echo = client.createAsync(EchoService.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            // The first call waits for the connection; it also proves the stack answers.
            try {
                echo.call(BenchPayload.METHOD, BenchPayload.ARGUMENT).get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    client.close();
                    throw new IllegalStateException("consumer core cannot call " + address + ": " + e, e);
                }
            }
        }
    }

    List<String> connected() {
        return client.connectedProviders();
    }

    @Override
    public void send(long intendedStartNanos, Completion done) {
        echo.call(BenchPayload.METHOD, BenchPayload.ARGUMENT).addCallback(new AsyncRpcCallback() {
            @Override
            public void success(Object result) {
                done.done(intendedStartNanos, true);
            }

            @Override
            public void fail(Exception e) {
                failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
                done.done(intendedStartNanos, false);
            }
        });
    }

    @Override
    public Map<String, Long> takeFailureKinds() {
        Map<String, Long> taken = new TreeMap<>();
        failures.forEach((kind, n) -> taken.put(kind, n.sumThenReset()));
        taken.values().removeIf(n -> n == 0);
        return taken;
    }

    @Override
    public void close() {
        client.close();
    }
}
