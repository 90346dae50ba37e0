package dev.rpcharness.provider.internal.server;

import dev.rpcharness.provider.fault.FaultKind;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters behind a provider's statistics: calls received, answered and expired, faults by kind, in
 * total and per method name (unknown methods under the one key {@link #UNKNOWN_METHOD}). The server records
 * (package-private); anyone reads. Thread-safe, lock-free; never reset.
 */
public final class CallCounters {

    /** The one key under which calls of methods the provider does not serve are counted. */
    public static final String UNKNOWN_METHOD = "<unknown>";

    private final Method total = new Method();
    private final LongAdder expired = new LongAdder();
    private final Map<String, Method> methods = new ConcurrentHashMap<>();

    /** The counters of one method (or of all calls). Thread-safe. */
    public static final class Method {
        private final LongAdder received = new LongAdder();
        private final LongAdder answered = new LongAdder();
        private final AtomicLongArray faults = new AtomicLongArray(FaultKind.values().length);

        public long received() {
            return received.sum();
        }

        public long answered() {
            return answered.sum();
        }

        public long faults(FaultKind kind) {
            return faults.get(kind.ordinal());
        }
    }

    void recordReceived(Method m) {
        total.received.increment();
        m.received.increment();
    }

    void recordAnswered(Method m) {
        total.answered.increment();
        m.answered.increment();
    }

    void recordExpired() {
        expired.increment();
    }

    void recordFault(Method m, FaultKind kind) {
        total.faults.incrementAndGet(kind.ordinal());
        m.faults.incrementAndGet(kind.ordinal());
    }

    /** The counters of one method (null: unknown), made on first use; a caller may keep them. */
    Method counters(String method) {
        String key = method == null ? UNKNOWN_METHOD : method;
        Method m = methods.get(key);
        return m != null ? m : methods.computeIfAbsent(key, k -> new Method());
    }

    /** Every call's counters together. */
    public Method total() {
        return total;
    }

    /** Calls dropped unanswered because the caller's budget was spent before they could run. */
    public long expired() {
        return expired.sum();
    }

    /** The counters of the named method, or null when it was never called. */
    public Method method(String name) {
        return methods.get(name);
    }

    /** The names of the methods called so far (a live view). */
    public Set<String> methodNames() {
        return methods.keySet();
    }
}
