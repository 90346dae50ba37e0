package dev.rpcharness.consumer;

import dev.rpcharness.protocol.RpcResponse;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The future of one call. It ends exactly once: with a result ({@link #complete}, {@link #done}) or with an
 * exception ({@link #fail}); later attempts are ignored and return false.
 *
 * <p>Threading: any thread may complete it (in the client, Netty's I/O thread does). Threads blocked in
 * {@link #get()} are released on the completing thread; callbacks run on the callback executor, never on the
 * completing thread, each exactly once, also when added after the end. {@link #startNanos()} and
 * {@link #endNanos()} are {@link System#nanoTime()} readings of the call's start and end, for latency recording.
 */
public final class RpcFuture implements Future<Object> {

    private static final Logger log = LoggerFactory.getLogger(RpcFuture.class);
    private static final Object NO_CALLBACK = new Object();

    private static final int RUNNING = 0;
    private static final int ENDING = 1;
    private static final int ENDED = 2;
    private static final VarHandle STATE;
    private static final VarHandle CALLBACKS;
    private static final VarHandle PROVIDER_ADDRESS;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(RpcFuture.class, "state", int.class);
            CALLBACKS = MethodHandles.lookup().findVarHandle(RpcFuture.class, "callbacks", Object.class);
            PROVIDER_ADDRESS = MethodHandles.lookup().findVarHandle(RpcFuture.class, "providerAddress", String.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * {@link #RUNNING}; {@link #ENDING} while the one thread that won the end writes the outcome; {@link #ENDED}.
     * Threads in {@link #get()} wait on {@code this} until it is {@link #ENDED}. A field and the object's monitor
     * rather than a synchronizer object: 32 bytes less a call in flight.
     */
    private volatile int state = RUNNING;
    /**
     * Threads waiting in {@code get} now; changed under {@code this}. The end sets {@link #ENDED} and then reads
     * it (both volatile), and a waiter counts itself and then reads the state, so either the end sees the waiter
     * and notifies, or the waiter sees the end and does not wait: the end takes the monitor only for a waiter.
     */
    private volatile int waiters;
    private final Executor callbackExecutor;
    private final long startNanos;
    /**
     * The outcome: written once by the thread that won the end, before it sets {@link #ENDED}, and read only after
     * reading {@link #ENDED} (or on that thread), so the volatile state publishes them and they need no fence of
     * their own.
     */
    private long endNanos;
    private Object result;
    private Throwable failure;
    private volatile String providerAddress;
    /**
     * The callbacks registered before the end: {@link #NO_CALLBACK}, the one callback, or a {@link Callbacks}
     * array of two or more; null once the call ended. Registered by compare-and-set, taken once by the end
     * (get-and-set to null), so each callback is dispatched exactly once with no lock. One field rather than a
     * list per call: most calls have one callback or none, and a list and its array are 48 bytes a call in flight.
     */
    private volatile Object callbacks = NO_CALLBACK;
    private final Runnable endHook;
    private final EndListener endListener;

    /** Told once when the call ends, on the completing thread, after the end hook (a call history). */
    @FunctionalInterface
    public interface EndListener {
        /** @param failure null for a result */
        void ended(long endNanos, Throwable failure);
    }

    /**
     * @param callbackExecutor where callbacks run
     * @param startNanos       {@link System#nanoTime()} at the call's start
     */
    public RpcFuture(Executor callbackExecutor, long startNanos) {
        this(callbackExecutor, startNanos, null);
    }

    /**
     * @param callbackExecutor where callbacks run
     * @param startNanos       {@link System#nanoTime()} at the call's start
     * @param endHook          runs once on the completing thread right after the end, before callbacks are
     *                         dispatched (the client's bookkeeping); null for none. Must be short and not block.
     */
    public RpcFuture(Executor callbackExecutor, long startNanos, Runnable endHook) {
        this(callbackExecutor, startNanos, endHook, null);
    }

    /**
     * @param endListener told of the end right after {@code endHook}, on the completing thread; null for none.
     *                    Must be short and not block.
     */
    public RpcFuture(Executor callbackExecutor, long startNanos, Runnable endHook, EndListener endListener) {
        this.callbackExecutor = callbackExecutor;
        this.startNanos = startNanos;
        this.endHook = endHook;
        this.endListener = endListener;
    }

    /** Ends the call with the provider's answer: its result, or a {@link RemoteInvocationException}. */
    public boolean done(RpcResponse response) {
        if (response.failed()) {
            String type = response.error().type();
            String message = response.error().message();
            return fail(new RemoteInvocationException("provider threw " + type + ": " + message, type, message));
        }
        return complete(response.result());
    }

    /** Ends the call with {@code value}. Returns false if it had already ended. */
    public boolean complete(Object value) {
        if (!STATE.compareAndSet(this, RUNNING, ENDING)) {
            return false;
        }
        this.result = value;
        finish();
        return true;
    }

    /** Ends the call with {@code error}. Returns false if it had already ended. */
    public boolean fail(Throwable error) {
        if (!STATE.compareAndSet(this, RUNNING, ENDING)) {
            return false;
        }
        this.failure = error;
        finish();
        return true;
    }

    private void finish() {
        endNanos = System.nanoTime();
        if (endHook != null) {
            try {
                endHook.run();
            } catch (RuntimeException e) {
                log.warn("call end hook failed", e);
            }
        }
        if (endListener != null) {
            try {
                endListener.ended(endNanos, failure);
            } catch (RuntimeException e) {
                log.warn("call end listener failed", e);
            }
        }
        state = ENDED;
        Object pending = CALLBACKS.getAndSet(this, null);
        if (waiters != 0) {
            synchronized (this) {
                notifyAll(); // the threads in get()
            }
        }
        if (pending instanceof Callbacks many) {
            for (AsyncRpcCallback callback : many.all) {
                dispatch(callback);
            }
        } else if (pending != NO_CALLBACK) {
            dispatch((AsyncRpcCallback) pending);
        }
    }

    /** Two or more callbacks registered before the end, in order; immutable (a new one per registration). */
    private static final class Callbacks {
        final AsyncRpcCallback[] all;

        Callbacks(AsyncRpcCallback[] all) {
            this.all = all;
        }

        static Callbacks of(AsyncRpcCallback first, AsyncRpcCallback second) {
            return new Callbacks(new AsyncRpcCallback[] {first, second});
        }

        Callbacks with(AsyncRpcCallback next) {
            AsyncRpcCallback[] more = Arrays.copyOf(all, all.length + 1);
            more[all.length] = next;
            return new Callbacks(more);
        }
    }

    /**
     * Registers a callback that runs once on the callback executor when the call ends (at once if it has ended).
     */
    public RpcFuture addCallback(AsyncRpcCallback callback) {
        Objects.requireNonNull(callback, "callback");
        while (true) {
            Object registered = callbacks;
            if (registered == null) {
                break; // ended: it runs now
            }
            Object next = registered == NO_CALLBACK ? callback
                    : registered instanceof Callbacks many ? many.with(callback)
                    : Callbacks.of((AsyncRpcCallback) registered, callback);
            if (CALLBACKS.compareAndSet(this, registered, next)) {
                return this;
            }
        }
        dispatch(callback);
        return this;
    }

    private void dispatch(AsyncRpcCallback callback) {
        Runnable task = () -> invoke(callback);
        try {
            callbackExecutor.execute(task);
        } catch (RuntimeException rejected) {
            // A saturated or shut-down executor must not lose the callback: run it here instead.
            log.debug("callback executor rejected a callback, running it on the completing thread", rejected);
            task.run();
        }
    }

    private void invoke(AsyncRpcCallback callback) {
        try {
            Throwable error = failure;
            if (error == null) {
                callback.success(result);
            } else {
                callback.fail(error instanceof Exception e ? e : new RpcException(error.toString(), error));
            }
        } catch (RuntimeException | Error e) {
            log.warn("RPC callback {} threw {}; the call and the connection are unaffected", callback, e.toString());
            log.debug("stack of the callback's exception", e);
        }
    }

    /** A {@link CompletableFuture} that ends with this call; it completes on the callback executor. */
    public CompletableFuture<Object> toCompletableFuture() {
        CompletableFuture<Object> bridge = new CompletableFuture<>();
        addCallback(new AsyncRpcCallback() {
            @Override
            public void success(Object value) {
                bridge.complete(value);
            }

            @Override
            public void fail(Exception e) {
                bridge.completeExceptionally(e);
            }
        });
        return bridge;
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
        if (state != ENDED) {
            synchronized (this) {
                waiters++;
                try {
                    while (state != ENDED) {
                        wait();
                    }
                } finally {
                    waiters--;
                }
            }
        }
        return report();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (state != ENDED) {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            synchronized (this) {
                waiters++;
                try {
                    while (state != ENDED) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new TimeoutException("RPC result not ready after " + unit.toMillis(timeout)
                                    + " ms");
                        }
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                } finally {
                    waiters--;
                }
            }
        }
        return report();
    }

    private Object report() throws ExecutionException {
        Throwable error = failure;
        if (error instanceof CancellationException cancelled) {
            throw cancelled;
        }
        if (error != null) {
            throw new ExecutionException(error.getMessage(), error);
        }
        return result;
    }

    /** Ends the call with a {@link CancellationException}; a result that arrives later is dropped. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return fail(new CancellationException("RPC call cancelled by the caller"));
    }

    @Override
    public boolean isCancelled() {
        return isDone() && failure instanceof CancellationException;
    }

    @Override
    public boolean isDone() {
        return state == ENDED;
    }

    /** Whether the call ended with an exception. */
    public boolean isFailed() {
        return isDone() && failure != null;
    }

    /** The exception the call ended with, or null while running or after success. */
    public Throwable failure() {
        return isDone() ? failure : null;
    }

    /**
     * "host:port" of the provider the call was written to, or null while it waits for a provider (and for calls
     * that never reached one). Set before the call ends, so callbacks see it.
     */
    public String providerAddress() {
        return providerAddress;
    }

    /** Internal: the client records where it wrote the call. */
    public void providerAddress(String address) {
        PROVIDER_ADDRESS.setRelease(this, address); // read as volatile; written once per write of the call
    }

    /** {@link System#nanoTime()} at the call's start. */
    public long startNanos() {
        return startNanos;
    }

    /** {@link System#nanoTime()} at the call's end, 0 while it runs. */
    public long endNanos() {
        return isDone() ? endNanos : 0L;
    }

    @Override
    public String toString() {
        if (!isDone()) {
            return "RpcFuture[running]";
        }
        return failure == null ? "RpcFuture[ok]" : "RpcFuture[failed: " + failure + "]";
    }
}
