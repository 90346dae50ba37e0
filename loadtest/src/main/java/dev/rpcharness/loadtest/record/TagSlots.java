package dev.rpcharness.loadtest.record;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.HdrHistogram.Recorder;

/**
 * The {@link LatencyRecorder}'s hot path: from a call's method, provider and outcome to its tags' recorders and
 * counts ({@code <method>/<outcome>}, {@code <method>@<provider>/<outcome>}) without building a tag string or
 * hashing one per call. Tags are built once, on a combination's first call, and their recorder and count come from
 * the {@link LatencyRecorder}'s maps, so the interval writer and {@code counts()} see the same ones.
 *
 * <p>Threading: {@link #record} may be called from any thread, lock-free once a combination has been seen.
 */
final class TagSlots {

    private static final int OUTCOMES = Outcome.values().length;

    private final Function<String, Recorder> recorders;
    private final Function<String, LongAdder> counters;
    /** Per method, its tags' slots by outcome ordinal. */
    private final ConcurrentHashMap<String, Slot[]> byMethod = new ConcurrentHashMap<>();
    /** Per method, then per provider, the same. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Slot[]>> byProvider =
            new ConcurrentHashMap<>();

    /**
     * @param recorders the one recorder of a tag, made on first use (thread-safe)
     * @param counters  the one count of a tag, made on first use (thread-safe)
     */
    TagSlots(Function<String, Recorder> recorders, Function<String, LongAdder> counters) {
        this.recorders = recorders;
        this.counters = counters;
    }

    /** Records {@code micros} under the call's method tag and, when {@code provider} is known, its provider tag. */
    void record(String method, String provider, Outcome outcome, long micros) {
        Slot[] slots = byMethod.get(method);
        if (slots == null) {
            slots = byMethod.computeIfAbsent(method, m -> new Slot[OUTCOMES]);
        }
        slot(slots, outcome, method, null).record(micros);
        if (provider != null) {
            ConcurrentHashMap<String, Slot[]> providers = byProvider.get(method);
            if (providers == null) {
                providers = byProvider.computeIfAbsent(method, m -> new ConcurrentHashMap<>());
            }
            Slot[] forProvider = providers.get(provider);
            if (forProvider == null) {
                forProvider = providers.computeIfAbsent(provider, p -> new Slot[OUTCOMES]);
            }
            slot(forProvider, outcome, method, provider).record(micros);
        }
    }

    /**
     * The slot of {@code outcome} in {@code slots}, made on first use for the tag {@code method/<outcome>}, or
     * {@code method@provider/<outcome>} when {@code provider} is not null (the tag is built then only). Two threads
     * may both make it; both get the tag's one recorder and count, so either slot serves.
     */
    private Slot slot(Slot[] slots, Outcome outcome, String method, String provider) {
        Slot s = slots[outcome.ordinal()];
        if (s == null) {
            String tag = (provider == null ? method : method + "@" + provider) + "/" + outcome.label();
            s = new Slot(recorders.apply(tag), counters.apply(tag));
            slots[outcome.ordinal()] = s;
        }
        return s;
    }

    /** One tag's recorder and count; immutable (final fields), so a slot seen through a data race is whole. */
    private record Slot(Recorder recorder, LongAdder count) {
        void record(long micros) {
            recorder.recordValue(micros);
            count.increment();
        }
    }
}
