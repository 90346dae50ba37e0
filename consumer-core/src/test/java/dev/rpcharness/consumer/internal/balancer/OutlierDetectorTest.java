package dev.rpcharness.consumer.internal.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Outlier detection's two rules on a clock the test moves: consecutive faults, and the failure ratio over a sliding
 * window of {@code interval}; cool-downs that grow while a provider stays bad and shrink again once it has been clean
 * for whole intervals.
 */
class OutlierDetectorTest {

    private static final String BAD = "127.0.0.1:1";
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** 40% failures, never two in a row: fault, answer, fault, answer, answer. */
    private static final boolean[] FORTY_PERCENT = {true, false, true, false, false};

    private long now = 1_000 * SECOND;

    private OutlierDetector detector(int consecutive, double ratio, int minimumCalls) {
        return new OutlierDetector(consecutive, ratio, minimumCalls, 10 * SECOND, SECOND, 30 * SECOND, () -> now);
    }

    /** Feeds the 40% pattern, 10 ms apart, until a verdict to eject or {@code calls} calls; returns the call number. */
    private int feedFortyPercent(OutlierDetector d, int calls) {
        for (int i = 0; i < calls; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(10);
            OutlierDetector.Verdict v = d.record(BAD, FORTY_PERCENT[i % FORTY_PERCENT.length]);
            if (v != null && v.ejects()) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void aProviderFailingFortyPercentIsNeverEjectedByTheConsecutiveRule() {
        assertThat(feedFortyPercent(detector(2, 0, 20), 10_000)).isEqualTo(-1);
    }

    @Test
    void theFailureRatioRuleEjectsItOnceTheWindowHoldsTheMinimumCalls() {
        OutlierDetector d = detector(5, 0.3, 20);
        // The rule judges at a fault: the 20th call is an answer, the 21st a fault (9 of 21 failed).
        assertThat(feedFortyPercent(d, 10_000)).as("call that ejected it").isEqualTo(21);
    }

    @Test
    void theRatioVerdictNamesTheCountsAndTheWindow() {
        OutlierDetector d = detector(0, 0.3, 20);
        OutlierDetector.Verdict verdict = null;
        for (int i = 0; i < 21 && verdict == null; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(10);
            verdict = d.record(BAD, FORTY_PERCENT[i % FORTY_PERCENT.length]);
        }
        assertThat(verdict).isNotNull();
        assertThat(verdict.coolDownNanos()).isEqualTo(SECOND);
        assertThat(verdict.reason()).isEqualTo("9 of 21 calls failed within 10000 ms (ratio 0.43 >= 0.30)");
    }

    @Test
    void aHealthyProviderWithRareFaultsIsNeverEjected() {
        OutlierDetector d = detector(5, 0.3, 20);
        for (int i = 0; i < 100_000; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(1);
            OutlierDetector.Verdict v = d.record(BAD, i % 20 == 7); // 5% faults
            assertThat(v).as("verdict at call %d", i).isNull();
        }
    }

    @Test
    void faultsOlderThanTheIntervalLeaveTheWindow() {
        OutlierDetector d = detector(0, 0.5, 10);
        for (int i = 0; i < 9; i++) {
            assertThat(d.record(BAD, true)).isNull(); // 9 faults, below the minimum of 10 calls
        }
        now += 11 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertThat(d.record(BAD, false)).isNull();
        }
        // 10 of 20 calls (50%) if the old faults still counted; 1 of 11 as the window holds.
        assertThat(d.record(BAD, true)).isNull();
    }

    @Test
    void theCoolDownGrowsWhileItStaysBadAndShrinksAfterCleanIntervals() {
        OutlierDetector d = detector(0, 0.3, 20);
        OutlierDetector.Verdict first = verdictAfterFortyPercent(d);
        assertThat(first.coolDownNanos()).isEqualTo(SECOND);
        ejectAndReturn(d, first);
        assertThat(d.record(BAD, false)).as("a good probe").isSameAs(OutlierDetector.Verdict.CLEARED);
        // Back in full rotation but still failing 40%: ejected again, for longer, though its probe was answered.
        OutlierDetector.Verdict second = verdictAfterFortyPercent(d);
        assertThat(second.coolDownNanos()).isEqualTo(2 * SECOND);
        ejectAndReturn(d, second);
        OutlierDetector.Verdict probeFailed = d.record(BAD, true);
        assertThat(probeFailed.coolDownNanos()).as("a failed probe").isEqualTo(3 * SECOND);
        assertThat(probeFailed.reason()).isEqualTo("its probe failed");
        d.ejected(BAD);
        d.returned(BAD);
        assertThat(d.record(BAD, false)).isSameAs(OutlierDetector.Verdict.CLEARED);
        now += 25 * SECOND; // two whole clean intervals: the count of ejections drops from 3 to 1
        assertThat(verdictAfterFortyPercent(d).coolDownNanos()).isEqualTo(2 * SECOND);
    }

    @Test
    void aRefusedEjectionStartsTheCountAgain() {
        OutlierDetector d = detector(3, 0, 20);
        d.record(BAD, true);
        d.record(BAD, true);
        assertThat(d.record(BAD, true)).isNotNull();
        d.refused(BAD);
        assertThat(d.record(BAD, true)).isNull();
        assertThat(d.record(BAD, true)).isNull();
        OutlierDetector.Verdict v = d.record(BAD, true);
        assertThat(v.reason()).isEqualTo("3 failed calls in a row");
    }

    @Test
    void withTheRatioRuleOffAnAnswerReadsNoClockAndFaultsInARowStillEject() {
        int[] reads = {0};
        OutlierDetector d = new OutlierDetector(3, 0, 20, 10 * SECOND, SECOND, 30 * SECOND, () -> {
            reads[0]++;
            return now;
        });
        d.record(BAD, false); // the first record is made, with the time it starts from
        reads[0] = 0;
        for (int i = 0; i < 1_000; i++) {
            assertThat(d.record(BAD, false)).isNull();
        }
        assertThat(reads[0]).as("clock reads for 1000 answers").isZero();
        assertThat(d.record(BAD, true)).isNull();
        assertThat(d.record(BAD, true)).isNull();
        OutlierDetector.Verdict v = d.record(BAD, true);
        assertThat(v).isNotNull();
        assertThat(v.ejects()).isTrue();
        assertThat(v.reason()).isEqualTo("3 failed calls in a row");
    }

    @Test
    void bothRulesOffMeansNoVerdicts() {
        OutlierDetector d = detector(0, 0, 20);
        for (int i = 0; i < 1_000; i++) {
            assertThat(d.record(BAD, true)).isNull();
        }
    }

    private OutlierDetector.Verdict verdictAfterFortyPercent(OutlierDetector d) {
        for (int i = 0; i < 1_000; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(10);
            OutlierDetector.Verdict v = d.record(BAD, FORTY_PERCENT[i % FORTY_PERCENT.length]);
            if (v != null && v.ejects()) {
                return v;
            }
        }
        throw new AssertionError("never ejected");
    }

    /** The balancer's part: ejects (cap allows), the cool-down passes, it returns on probation. */
    private void ejectAndReturn(OutlierDetector d, OutlierDetector.Verdict verdict) {
        d.ejected(BAD);
        now += verdict.coolDownNanos();
        d.returned(BAD);
    }
}
