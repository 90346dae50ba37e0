package dev.rpcharness.consumer.fuzz;

import dev.rpcharness.consumer.AsyncRpcCallback;
import dev.rpcharness.consumer.RpcFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What happened to one fuzzed call: how often its callback ran (exactly once, or the call did not end exactly
 * once), and with what. Written on the client's callback threads, read by the property's thread.
 */
final class CallRecord implements AsyncRpcCallback {

    final int index;
    final FuzzMethod method;
    final RpcFuture future;
    private final AtomicInteger ends = new AtomicInteger();
    private volatile Object value;
    private volatile Exception error;

    CallRecord(int index, FuzzMethod method, RpcFuture future) {
        this.index = index;
        this.method = method;
        this.future = future;
        future.addCallback(this);
    }

    @Override
    public void success(Object result) {
        value = result;
        ends.incrementAndGet();
    }

    @Override
    public void fail(Exception e) {
        error = e;
        ends.incrementAndGet();
    }

    int ends() {
        return ends.get();
    }

    Object value() {
        return value;
    }

    Exception error() {
        return error;
    }

    @Override
    public String toString() {
        return "call " + index + " " + method.javaName + (ends() == 0 ? " (no end)"
                : error != null ? " failed: " + error : " returned: " + abbreviate(String.valueOf(value)));
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
