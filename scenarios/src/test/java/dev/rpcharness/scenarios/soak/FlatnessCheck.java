package dev.rpcharness.scenarios.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Decides whether a soak's figures stayed flat: the median of the last fifth of the samples against the median of
 * the first fifth, each figure with its own tolerance (a relative part plus an absolute slack, since small
 * figures jitter by whole units). Immutable.
 *
 * @param heapFactor        last heap may be this many times the first (plus {@code heapSlackBytes})
 * @param heapSlackBytes    absolute slack for the heap
 * @param threadSlack       extra threads allowed (plus 10% of the first)
 * @param descriptorSlack   extra open descriptors allowed (plus 10% of the first)
 * @param pendingSlack      extra pending calls allowed (what one stall of the load can hold)
 */
public record FlatnessCheck(double heapFactor, long heapSlackBytes, int threadSlack, int descriptorSlack,
                            int pendingSlack) {

    /** At least this many samples, so each fifth has at least two. */
    public static final int MIN_SAMPLES = 10;

    /**
     * Null when every figure is flat, else one line per figure that grew, with its first and last medians.
     */
    public String problems(List<ResourceSample> samples) {
        if (samples.size() < MIN_SAMPLES) {
            return "only " + samples.size() + " samples, " + MIN_SAMPLES + " needed to compare the first and last"
                    + " fifth (run longer or sample more often)";
        }
        int fifth = samples.size() / 5;
        List<ResourceSample> first = samples.subList(0, fifth);
        List<ResourceSample> last = samples.subList(samples.size() - fifth, samples.size());
        List<String> grew = new ArrayList<>();
        check(grew, "heap after GC (bytes)", first, last, ResourceSample::heapAfterGcBytes,
                f -> (long) (f * heapFactor) + heapSlackBytes);
        check(grew, "threads", first, last, ResourceSample::threads, f -> f + f / 10 + threadSlack);
        if (first.get(0).openFileDescriptors() >= 0) {
            check(grew, "open file descriptors", first, last, ResourceSample::openFileDescriptors,
                    f -> f + f / 10 + descriptorSlack);
        }
        check(grew, "pending calls", first, last, ResourceSample::pendingCalls, f -> f + pendingSlack);
        return grew.isEmpty() ? null : String.join("; ", grew);
    }

    private static void check(List<String> grew, String figure, List<ResourceSample> first, List<ResourceSample> last,
                              ToLongFunction<ResourceSample> value, java.util.function.LongUnaryOperator allowed) {
        long f = median(first, value);
        long l = median(last, value);
        long limit = allowed.applyAsLong(f);
        if (l > limit) {
            grew.add(figure + " grew from " + f + " (median of the first fifth) to " + l
                    + " (median of the last fifth), more than the " + limit + " allowed");
        }
    }

    static long median(List<ResourceSample> samples, ToLongFunction<ResourceSample> value) {
        long[] v = samples.stream().mapToLong(value).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
