package dev.rpcharness.scenarios.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlatnessCheckTest {

    private static final long MIB = 1024 * 1024;
    private final FlatnessCheck check = new FlatnessCheck(1.25, 32 * MIB, 10, 20, 100);

    private static List<ResourceSample> run(int n, long heapGrowthPerSample, int threadGrowthPerSample) {
        List<ResourceSample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(new ResourceSample(i * 1000L, 200 * MIB + i * heapGrowthPerSample + (i % 3) * MIB,
                    80 + i * threadGrowthPerSample + i % 2, 300 + i % 4, 20 + i % 7));
        }
        return samples;
    }

    @Test
    void jitterAroundAFlatLineIsFlat() {
        assertThat(check.problems(run(30, 0, 0))).isNull();
    }

    @Test
    void aGrowingHeapIsNamedWithItsFirstAndLastMedians() {
        assertThat(check.problems(run(30, 5 * MIB, 0))).contains("heap after GC").contains("first fifth")
                .doesNotContain("threads");
    }

    @Test
    void aThreadPerSampleIsALeak() {
        assertThat(check.problems(run(30, 0, 1))).contains("threads grew");
    }

    @Test
    void tooFewSamplesCannotBeJudged() {
        assertThat(check.problems(run(5, 0, 0))).contains("only 5 samples");
    }
}
