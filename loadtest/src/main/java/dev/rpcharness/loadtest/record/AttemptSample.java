package dev.rpcharness.loadtest.record;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One interval of an {@link AttemptLog}: counts during the interval that ended at {@code endMillis}.
 *
 * @param endMillis epoch ms at the end of the interval
 * @param calls     calls that ended
 * @param attempts  attempts sent for them: the calls plus the retries and hedges the retry budget let go
 * @param refused   retries and hedges the retry budget refused
 * @param tokens    the budget's tokens left at the end, -1 for an unlimited budget
 * @param received  calls each provider ({@code host:port}) received
 */
public record AttemptSample(long endMillis, long calls, long attempts, long refused, double tokens,
        Map<String, Long> received) {

    public AttemptSample {
        received = Map.copyOf(received);
    }

    /** Attempts per call in this interval, 1 when no call ended. */
    public double amplification() {
        return calls == 0 ? 1.0 : (double) attempts / calls;
    }

    /** Attempts per call over the samples ending within {@code [fromMillis, toMillis]}, 1 when no call ended. */
    public static double amplification(List<AttemptSample> samples, long fromMillis, long toMillis) {
        long calls = 0;
        long attempts = 0;
        for (AttemptSample s : samples) {
            if (s.endMillis >= fromMillis && s.endMillis <= toMillis) {
                calls += s.calls;
                attempts += s.attempts;
            }
        }
        return calls == 0 ? 1.0 : (double) attempts / calls;
    }

    /** The line of {@link AttemptLog#FILE}, with the providers' columns in the header's order. */
    String csvLine(Iterable<String> providers) {
        StringBuilder b = new StringBuilder();
        b.append(endMillis).append(',').append(calls).append(',').append(attempts).append(',').append(refused)
                .append(',').append(String.format(Locale.ROOT, "%.3f", tokens));
        for (String p : providers) {
            b.append(',').append(received.getOrDefault(p, 0L));
        }
        return b.append('\n').toString();
    }
}
