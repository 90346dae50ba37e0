package dev.rpcharness.provider;

import dev.rpcharness.provider.fault.FaultKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a provider saw and did: calls received, calls answered (a result or an error answer written), and faults
 * injected by kind, in total and per method name (a served method's name; calls naming anything else count under
 * {@link #UNKNOWN_METHOD}). Live counters: thread-safe, readable while traffic flows, never
 * reset (they survive restarts of the provider).
 */
public final class ProviderStats {

    /**
     * The one key under which calls of methods the provider does not serve are counted (an unknown interface,
     * method or overload), so callers cannot grow the per-method statistics without bound.
     */
    public static final String UNKNOWN_METHOD = "<unknown>";

    private final LongAdder received = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final AtomicLongArray faults = new AtomicLongArray(FaultKind.values().length);
    private final Map<String, MethodCounters> methods = new ConcurrentHashMap<>();

    ProviderStats() {
    }

    void recordReceived(String method) {
        recordReceived(counters(method));
    }

    void recordReceived(MethodCounters m) {
        received.increment();
        m.received.increment();
    }

    void recordAnswered(String method) {
        recordAnswered(counters(method));
    }

    void recordAnswered(MethodCounters m) {
        answered.increment();
        m.answered.increment();
    }

    void recordExpired(String method) {
        expired.increment();
    }

    void recordFault(String method, FaultKind kind) {
        recordFault(counters(method), kind);
    }

    void recordFault(MethodCounters m, FaultKind kind) {
        faults.incrementAndGet(kind.ordinal());
        m.faults.incrementAndGet(kind.ordinal());
    }

    /** The counters of one method, which a caller may keep (they live as long as these statistics). */
    MethodCounters counters(String method) {
        MethodCounters m = methods.get(method == null ? UNKNOWN_METHOD : method);
        return m != null ? m : methods.computeIfAbsent(method == null ? UNKNOWN_METHOD : method,
                k -> new MethodCounters());
    }

    /** Calls received (decoded from a POST /rpc), including those later faulted. */
    public long received() {
        return received.sum();
    }

    /** Answers written: results and error answers (injected ERROR faults included). */
    public long answered() {
        return answered.sum();
    }

    /**
     * Calls dropped unanswered because the caller's budget ({@code X-Rpc-Timeout-Ms}) was spent before the
     * implementation could run them.
     */
    public long expired() {
        return expired.sum();
    }

    /** Faults injected of this kind. */
    public long faults(FaultKind kind) {
        return faults.get(kind.ordinal());
    }

    /** Faults injected of every kind. */
    public long faults() {
        long sum = 0;
        for (int i = 0; i < faults.length(); i++) {
            sum += faults.get(i);
        }
        return sum;
    }

    /** A snapshot of the fault counters by kind (kinds never injected included with 0). */
    public Map<FaultKind, Long> faultsByKind() {
        Map<FaultKind, Long> map = new EnumMap<>(FaultKind.class);
        for (FaultKind k : FaultKind.values()) {
            map.put(k, faults.get(k.ordinal()));
        }
        return Collections.unmodifiableMap(map);
    }

    /** Calls of the named method received. */
    public long received(String methodName) {
        MethodCounters m = methods.get(methodName);
        return m == null ? 0 : m.received.sum();
    }

    /** Calls of the named method answered. */
    public long answered(String methodName) {
        MethodCounters m = methods.get(methodName);
        return m == null ? 0 : m.answered.sum();
    }

    /** Faults of this kind injected into calls of the named method. */
    public long faults(String methodName, FaultKind kind) {
        MethodCounters m = methods.get(methodName);
        return m == null ? 0 : m.faults.get(kind.ordinal());
    }

    /** The names of the served methods called so far, and {@link #UNKNOWN_METHOD} once any other was, sorted. */
    public Set<String> methods() {
        return Collections.unmodifiableSet(new TreeSet<>(methods.keySet()));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("received=").append(received()).append(" answered=").append(answered());
        for (FaultKind k : FaultKind.values()) {
            long n = faults(k);
            if (n > 0) {
                sb.append(' ').append(k.name()).append('=').append(n);
            }
        }
        return sb.toString();
    }

    /** The counters of one method. Thread-safe. */
    static final class MethodCounters {
        final LongAdder received = new LongAdder();
        final LongAdder answered = new LongAdder();
        final AtomicLongArray faults = new AtomicLongArray(FaultKind.values().length);
    }
}
