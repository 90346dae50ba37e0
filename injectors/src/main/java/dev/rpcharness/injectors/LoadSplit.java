package dev.rpcharness.injectors;

import java.math.BigInteger;
import java.time.Duration;

/**
 * The exact split of a scenario's load over the injectors of one run, in the spirit of k6's execution segments:
 * whatever is split, the injectors' shares together are the whole, with no overlap and no rounding drift.
 *
 * <ul>
 *   <li>A count (closed-model users, a number of calls) is cut into contiguous segments: injector {@code i} of
 *       {@code n} takes {@code floor(total*(i+1)/n) - floor(total*i/n)}; the shares differ by at most one and sum to
 *       the total.</li>
 *   <li>An open-model rate is striped: arrival {@code k} of the whole scenario (at {@code k / rate} seconds) belongs
 *       to injector {@code k mod n}. Each injector thus runs the rate {@code rate / n}, shifted by {@code i / rate}
 *       seconds, and its arrival times are computed from the scenario's own arrival index, never by adding a rounded
 *       interval, so the union of the injectors' arrivals is the scenario's arrivals exactly.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe; a pure function of its arguments.
 */
public final class LoadSplit {

    private final int injectors;

    private LoadSplit(int injectors) {
        this.injectors = injectors;
    }

    /**
     * A split over the given number of injectors.
     *
     * @throws IllegalArgumentException when {@code injectors < 1}
     */
    public static LoadSplit over(int injectors) {
        if (injectors < 1) {
            throw new IllegalArgumentException("injectors must be at least 1, was " + injectors);
        }
        return new LoadSplit(injectors);
    }

    /** The number of injectors. */
    public int injectors() {
        return injectors;
    }

    /**
     * Injector {@code index}'s share of a count: closed-model users, or any whole number of things.
     *
     * @throws IllegalArgumentException for a negative total or an index outside {@code [0, injectors)}
     */
    public long share(long total, int index) {
        if (total < 0) {
            throw new IllegalArgumentException("total must not be negative, was " + total);
        }
        checkIndex(index);
        return segmentStart(total, index + 1) - segmentStart(total, index);
    }

    /**
     * The first item of injector {@code index}'s contiguous segment of a count ({@code floor(total*index/n)}): its
     * segment is {@code [first(total, index), first(total, index) + share(total, index))}.
     */
    public long first(long total, int index) {
        if (total < 0) {
            throw new IllegalArgumentException("total must not be negative, was " + total);
        }
        checkIndex(index);
        return segmentStart(total, index);
    }

    /**
     * Injector {@code index}'s share of an open-model injection of {@code ratePerSecond} arrivals per second for
     * {@code duration}. The scenario's arrivals are {@code k = 0 .. round(rate * seconds) - 1} at {@code k / rate}.
     *
     * @throws IllegalArgumentException for a rate that is not positive and finite, a negative duration, or a bad index
     */
    public OpenShare open(double ratePerSecond, Duration duration, int index) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be positive and finite, was " + ratePerSecond);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, was " + duration);
        }
        checkIndex(index);
        double seconds = duration.toNanos() / 1e9;
        long total = Math.round(ratePerSecond * seconds);
        // Arrivals k with k mod n == index, k < total.
        long mine = total > index ? (total - index + injectors - 1) / injectors : 0;
        return new OpenShare(ratePerSecond, injectors, index, total, mine);
    }

    private long segmentStart(long total, int index) {
        // floor(total * index / n) without overflow.
        return BigInteger.valueOf(total).multiply(BigInteger.valueOf(index))
                .divide(BigInteger.valueOf(injectors)).longValueExact();
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= injectors) {
            throw new IllegalArgumentException("index must be in [0, " + injectors + "), was " + index);
        }
    }

    /**
     * One injector's stripe of an open-model injection.
     *
     * @param scenarioRate the whole scenario's arrivals per second
     * @param injectors how many injectors share it
     * @param index this injector's index
     * @param scenarioArrivals the whole scenario's number of arrivals
     * @param arrivals this injector's number of arrivals
     */
    public record OpenShare(double scenarioRate, int injectors, int index, long scenarioArrivals, long arrivals) {

        /** This injector's rate: the scenario's divided by the number of injectors. */
        public double ratePerSecond() {
            return scenarioRate / injectors;
        }

        /** The scenario's arrival index of this injector's {@code j}-th arrival. */
        public long scenarioIndex(long j) {
            if (j < 0 || j >= arrivals) {
                throw new IndexOutOfBoundsException("arrival " + j + " of " + arrivals);
            }
            return index + j * injectors;
        }

        /**
         * When this injector's {@code j}-th arrival happens, in nanoseconds after the run's start: computed from the
         * scenario's arrival index, so no error accumulates along the run.
         */
        public long arrivalNanos(long j) {
            return Math.round(scenarioIndex(j) * 1e9 / scenarioRate);
        }

        /** This injector's offset in the scenario's arrival sequence: {@code index / rate} seconds. */
        public Duration startOffset() {
            return Duration.ofNanos(Math.round(index * 1e9 / scenarioRate));
        }
    }
}
