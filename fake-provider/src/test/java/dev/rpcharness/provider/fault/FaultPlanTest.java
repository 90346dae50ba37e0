package dev.rpcharness.provider.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's choice of faults: triggers, method matching, combination, determinism and delay distributions. */
class FaultPlanTest {

    private static List<FaultKind> answers(FaultPlan plan, String method, int calls) {
        FaultDecider d = plan.newDecider();
        List<FaultKind> kinds = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            Fault f = d.decide(method).answer();
            kinds.add(f == null ? null : f.kind());
        }
        return kinds;
    }

    @Test
    void noneNeverFaults() {
        assertThat(answers(FaultPlan.none(), "x", 5)).containsOnlyNulls();
        assertThat(FaultPlan.none().newDecider().decide("x").isNone()).isTrue();
    }

    @Test
    void everyNthFiresOnMultiplesOfN() {
        FaultPlan plan = FaultPlan.of(FaultRule.forAll(Fault.reset()).everyNth(3));
        assertThat(answers(plan, "x", 7)).containsExactly(null, null, FaultKind.RESET, null, null, FaultKind.RESET,
                null);
    }

    @Test
    void firstNFiresOnTheFirstCallsOnly() {
        FaultPlan plan = FaultPlan.of(FaultRule.forAll(Fault.hang()).firstN(2));
        assertThat(answers(plan, "x", 4)).containsExactly(FaultKind.HANG, FaultKind.HANG, null, null);
    }

    @Test
    void forMethodMatchesOnlyThatMethodAndCountsOnlyItsCalls() {
        FaultDecider d = FaultPlan.of(FaultRule.forMethod("a", Fault.garbage()).everyNth(2)).newDecider();
        assertThat(d.decide("b").answer()).isNull();
        assertThat(d.decide("a").answer()).isNull();
        assertThat(d.decide("b").answer()).isNull();
        assertThat(d.decide("a").answer().kind()).isEqualTo(FaultKind.GARBAGE);
    }

    @Test
    void probabilityIsDeterministicFromTheSeedAndNearItsRate() {
        FaultPlan plan = FaultPlan.builder().seed(42).rule(FaultRule.forAll(Fault.reset()).probability(0.3)).build();
        List<FaultKind> first = answers(plan, "x", 2_000);
        List<FaultKind> again = answers(plan, "x", 2_000);
        assertThat(first).isEqualTo(again);
        long fired = first.stream().filter(k -> k != null).count();
        assertThat(fired).isBetween(480L, 720L);
        FaultPlan other = FaultPlan.builder().seed(43).rule(FaultRule.forAll(Fault.reset()).probability(0.3)).build();
        assertThat(answers(other, "x", 2_000)).isNotEqualTo(first);
    }

    @Test
    void oneLatencyAndOneAnswerFaultCombineAndLaterRulesOfTheSameSortDoNotApply() {
        FaultPlan plan = FaultPlan.of(
                FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(7))),
                FaultRule.forAll(Fault.latencyFixed(Duration.ofMillis(99))),
                FaultRule.forAll(Fault.httpStatus(502)),
                FaultRule.forAll(Fault.reset()));
        FaultDecision d = plan.newDecider().decide("x");
        assertThat(d.latency().kind()).isEqualTo(FaultKind.LATENCY_FIXED);
        assertThat(d.delayNanos()).isEqualTo(7_000_000L);
        assertThat(d.answer().httpStatus()).isEqualTo(502);
    }

    @Test
    void uniformDelaysStayWithinTheirBounds() {
        FaultDecider d = FaultPlan.of(FaultRule.forAll(
                Fault.latencyUniform(Duration.ofMillis(10), Duration.ofMillis(20)))).newDecider();
        for (int i = 0; i < 1_000; i++) {
            assertThat(d.decide("x").delayNanos()).isBetween(10_000_000L, 20_000_000L);
        }
    }

    @Test
    void logNormalDelaysHaveTheGivenMedianAndP99() {
        FaultDecider d = FaultPlan.builder().seed(7)
                .rule(FaultRule.forAll(Fault.latencyLogNormal(Duration.ofMillis(10), Duration.ofMillis(50))))
                .build().newDecider();
        long[] delays = new long[20_000];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = d.decide("x").delayNanos();
        }
        Arrays.sort(delays);
        double p50 = delays[delays.length / 2] / 1e6;
        double p99 = delays[(int) (delays.length * 0.99)] / 1e6;
        assertThat(p50).isBetween(9.0, 11.0);
        assertThat(p99).isBetween(42.0, 58.0);
    }

    @Test
    void invalidArgumentsAreRejectedWithAMessage() {
        assertThatThrownBy(() -> FaultRule.forAll(Fault.reset()).probability(1.5))
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> FaultRule.forAll(Fault.reset()).everyNth(0)).hasMessageContaining("everyNth");
        assertThatThrownBy(() -> Fault.httpStatus(42)).hasMessageContaining("42");
        assertThatThrownBy(() -> Fault.latencyUniform(Duration.ofMillis(5), Duration.ofMillis(1)))
                .hasMessageContaining("below");
    }
}
