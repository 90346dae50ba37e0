package dev.rpcharness.provider;

import dev.rpcharness.provider.fault.FaultKind;
import dev.rpcharness.provider.internal.server.CallCounters;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
    public static final String UNKNOWN_METHOD = CallCounters.UNKNOWN_METHOD;

    private final CallCounters counters;

    ProviderStats(CallCounters counters) {
        this.counters = counters;
    }

    /** Calls received (decoded from a POST /rpc), including those later faulted. */
    public long received() {
        return counters.total().received();
    }

    /** Answers written: results and error answers (injected ERROR faults included). */
    public long answered() {
        return counters.total().answered();
    }

    /**
     * Calls dropped unanswered because the caller's budget ({@code X-Rpc-Timeout-Ms}) was spent before the
     * implementation could run them.
     */
    public long expired() {
        return counters.expired();
    }

    /** Faults injected of this kind. */
    public long faults(FaultKind kind) {
        return counters.total().faults(kind);
    }

    /** Faults injected of every kind. */
    public long faults() {
        long sum = 0;
        for (FaultKind k : FaultKind.values()) {
            sum += faults(k);
        }
        return sum;
    }

    /** A snapshot of the fault counters by kind (kinds never injected included with 0). */
    public Map<FaultKind, Long> faultsByKind() {
        Map<FaultKind, Long> map = new EnumMap<>(FaultKind.class);
        for (FaultKind k : FaultKind.values()) {
            map.put(k, faults(k));
        }
        return Collections.unmodifiableMap(map);
    }

    /** Calls of the named method received. */
    public long received(String methodName) {
        CallCounters.Method m = counters.method(methodName);
        return m == null ? 0 : m.received();
    }

    /** Calls of the named method answered. */
    public long answered(String methodName) {
        CallCounters.Method m = counters.method(methodName);
        return m == null ? 0 : m.answered();
    }

    /** Faults of this kind injected into calls of the named method. */
    public long faults(String methodName, FaultKind kind) {
        CallCounters.Method m = counters.method(methodName);
        return m == null ? 0 : m.faults(kind);
    }

    /** The names of the served methods called so far, and {@link #UNKNOWN_METHOD} once any other was, sorted. */
    public Set<String> methods() {
        return Collections.unmodifiableSet(new TreeSet<>(counters.methodNames()));
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
}
