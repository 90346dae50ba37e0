package dev.rpcharness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** A stack's open-loop figure is its round with the median p99, whichever order the rounds came in. */
class MedianRoundTest {

    /** A round whose every call took {@code micros}. */
    private static LoopDriver.Result round(long micros) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < 1000; i++) {
            h.recordValue(micros);
        }
        return new LoopDriver.Result(1000, 0, 1.0, h, new ThreadCost.Delta(0, 0, 0, 0, 0), 0);
    }

    @Test
    void theRoundWithTheMiddleP99IsTheFigure() {
        LoopDriver.Result slow = round(9_000);
        LoopDriver.Result middle = round(600);
        LoopDriver.Result fast = round(300);
        assertThat(LoopDriver.Result.medianByP99(List.of(slow, middle, fast))).isSameAs(middle);
        assertThat(LoopDriver.Result.medianByP99(List.of(fast, slow, middle))).isSameAs(middle);
        assertThat(LoopDriver.Result.medianByP99(List.of(slow))).isSameAs(slow);
    }

    @Test
    void anEvenCountTakesTheLowerMiddleAndNoneGivesNothing() {
        LoopDriver.Result a = round(100);
        LoopDriver.Result b = round(200);
        LoopDriver.Result c = round(400);
        LoopDriver.Result d = round(800);
        assertThat(LoopDriver.Result.medianByP99(List.of(d, c, b, a))).isSameAs(b);
        assertThat(LoopDriver.Result.medianByP99(List.of())).isNull();
    }
}
