package dev.rpcharness.injectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoadSplitTest {

    private static final long SEED = 18L;

    @Test
    void countSharesAreContiguousSegmentsWhoseUnionIsTheWholeWithoutOverlap() {
        Random random = new Random(SEED);
        for (int trial = 0; trial < 5_000; trial++) {
            int n = 1 + random.nextInt(40);
            long total = trial % 5 == 0 ? random.nextInt(n + 2) : random.nextInt(100_000);
            LoadSplit split = LoadSplit.over(n);
            long next = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                if (split.first(total, i) != next) {
                    fail("n=%d total=%d: segment %d starts at %d, the previous ended at %d", n, total, i,
                            split.first(total, i), next);
                }
                long share = split.share(total, i);
                next += share;
                min = Math.min(min, share);
                max = Math.max(max, share);
            }
            assertThat(next).as("n=%d: the shares sum to the total", n).isEqualTo(total);
            assertThat(max - min).as("n=%d total=%d: shares differ by at most one", n, total).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void countSplitDoesNotOverflowForHugeTotals() {
        LoadSplit split = LoadSplit.over(7);
        long total = Long.MAX_VALUE - 3;
        long sum = 0;
        for (int i = 0; i < 7; i++) {
            sum += split.share(total, i);
        }
        assertThat(sum).isEqualTo(total);
    }

    @Test
    void openSharesStripeTheScenarioArrivalsExactlyOnceAtTheScenarioTimes() {
        Random random = new Random(SEED);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + random.nextInt(12);
            double rate = 0.5 + random.nextDouble() * 2_000;
            Duration duration = Duration.ofMillis(random.nextInt(20_000));
            LoadSplit split = LoadSplit.over(n);
            long total = split.open(rate, duration, 0).scenarioArrivals();
            assertThat(total).isEqualTo(Math.round(rate * duration.toNanos() / 1e9));
            BitSet seen = new BitSet();
            long count = 0;
            double rates = 0;
            for (int i = 0; i < n; i++) {
                LoadSplit.OpenShare share = split.open(rate, duration, i);
                rates += share.ratePerSecond();
                for (long j = 0; j < share.arrivals(); j++) {
                    long k = share.scenarioIndex(j);
                    if (seen.get((int) k)) {
                        fail("n=%d rate=%f: arrival %d taken twice", n, rate, k);
                    }
                    seen.set((int) k);
                    if (share.arrivalNanos(j) != Math.round(k * 1e9 / rate)) {
                        fail("n=%d rate=%f: arrival %d at %d ns", n, rate, k, share.arrivalNanos(j));
                    }
                    count++;
                }
            }
            assertThat(count).as("n=%d rate=%f duration=%s", n, rate, duration).isEqualTo(total);
            assertThat(seen.cardinality()).isEqualTo((int) total);
            assertThat(seen.nextClearBit(0)).as("no gap in the union").isEqualTo((int) total);
            assertThat(rates).isCloseTo(rate, org.assertj.core.data.Offset.offset(rate * 1e-12));
        }
    }

    @Test
    void lastArrivalOfALongRunHasNoAccumulatedDrift() {
        // 3 injectors at 1000/s for 10 hours: the last arrival is where the scenario puts it, to the nanosecond.
        LoadSplit.OpenShare share = LoadSplit.over(3).open(1_000, Duration.ofHours(10), 2);
        long last = share.arrivals() - 1;
        assertThat(share.arrivalNanos(last)).isEqualTo(share.scenarioIndex(last) * 1_000_000L);
        assertThat(share.startOffset()).isEqualTo(Duration.ofMillis(2));
    }

    @Test
    void badArgumentsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> LoadSplit.over(0)).hasMessageContaining("injectors must be at least 1, was 0");
        assertThatThrownBy(() -> LoadSplit.over(3).share(10, 3)).hasMessageContaining("[0, 3), was 3");
        assertThatThrownBy(() -> LoadSplit.over(3).share(-1, 0)).hasMessageContaining("was -1");
        assertThatThrownBy(() -> LoadSplit.over(3).open(0, Duration.ofSeconds(1), 0))
                .hasMessageContaining("ratePerSecond must be positive");
        assertThatThrownBy(() -> LoadSplit.over(3).open(Double.NaN, Duration.ofSeconds(1), 0))
                .hasMessageContaining("NaN");
    }
}
