package dev.rpcharness.loadtest.run;

import dev.rpcharness.consumer.AsyncObjectProxy;
import dev.rpcharness.consumer.AsyncRpcCallback;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls a load target makes before the load, so the run does not measure class loading and JIT compilation
 * of the first calls: {@code calls} calls of {@code service#method(args)}, at most {@value #IN_FLIGHT} in flight,
 * 60 s at most in all, not recorded.
 *
 * <p>Immutable; {@link #run} is called once, by the thread that starts the target.
 */
final class WarmUp {

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    static final int IN_FLIGHT = 64;
    private static final long LIMIT_SECONDS = 60;

    private final int calls;
    private final Class<?> service;
    private final String method;
    private final Object[] args;

    WarmUp(int calls, Class<?> service, String method, Object[] args) {
        if (calls < 0) {
            throw new IllegalArgumentException("warmUp calls must not be negative, was " + calls);
        }
        this.calls = calls;
        this.service = Objects.requireNonNull(service, "warmUp: service");
        this.method = Objects.requireNonNull(method, "warmUp: method");
        this.args = args.clone();
    }

    /** This warm-up with the count of {@code rpc.warmUpCalls} when set. */
    WarmUp withProperties(Properties properties) {
        String value = properties.getProperty("rpc.warmUpCalls");
        if (value == null) {
            return this;
        }
        try {
            return new WarmUp(Integer.parseInt(value.trim()), service, method, args);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rpc.warmUpCalls must be a number of calls, was '" + value + "'", e);
        }
    }

    int calls() {
        return calls;
    }

    Class<?> service() {
        return service;
    }

    /**
     * Sends the calls through {@code proxy} (a proxy of {@link #service()}) and waits for their ends.
     *
     * @return what went on, for the timeline: "N calls, M failed"
     */
    String run(AsyncObjectProxy proxy, String target) {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        AtomicLong failures = new AtomicLong();
        int sent = 0;
        try {
            for (; sent < calls; sent++) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    break;
                }
                proxy.call(method, args).addCallback(new AsyncRpcCallback() {
                    @Override
                    public void success(Object result) {
                        inFlight.release();
                    }

                    @Override
                    public void fail(Exception e) {
                        failures.incrementAndGet();
                        inFlight.release();
                    }
                });
            }
            long left = Math.max(0, deadline - System.nanoTime());
            if (!inFlight.tryAcquire(IN_FLIGHT, left, TimeUnit.NANOSECONDS)) {
                log.warn("warm-up of {}: calls still in flight after {} s", target, LIMIT_SECONDS);
            } else {
                inFlight.release(IN_FLIGHT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while warming up " + target, e);
        }
        long failed = failures.get();
        log.info("warm-up of {}: {} calls of {}#{}, {} failed", target, sent, service.getSimpleName(), method,
                failed);
        return sent + " calls, " + failed + " failed";
    }
}
