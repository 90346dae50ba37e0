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

    private static String decision(FaultDecision d) {
        return (d.answer() == null ? "-" : d.answer().kind().name()) + "/" + d.delayNanos();
    }

    private static FaultPlan mixedPlan() {
        return FaultPlan.builder().seed(77L)
                .rule(FaultRule.forAll(Fault.latencyUniform(Duration.ofMillis(1), Duration.ofMillis(50)))
                        .probability(0.5))
                .rule(FaultRule.forAll(Fault.reset()).probability(0.2))
                .rule(FaultRule.forAll(Fault.httpStatus(503)).probability(0.3))
                .build();
    }

    @Test
    void withACallSeqEachCallGetsTheSameDecisionWhateverTheArrivalOrder() {
        FaultPlan plan = mixedPlan();
        int calls = 300;
        List<Long> inOrder = new ArrayList<>();
        for (long s = 1; s <= calls; s++) {
            inOrder.add(s);
        }
        List<Long> shuffled = new ArrayList<>(inOrder);
        java.util.Collections.shuffle(shuffled, new java.util.Random(5));
        java.util.Map<Long, String> first = new java.util.HashMap<>();
        FaultDecider a = plan.newDecider();
        for (long s : inOrder) {
            first.put(s, decision(a.decide("x", s)));
        }
        // A second run, same plan: the calls arrive in another order, interleaved with calls of other clients
        // that carry no sequence number.
        java.util.Map<Long, String> second = new java.util.HashMap<>();
        FaultDecider b = plan.newDecider();
        for (long s : shuffled) {
            b.decide("x");
            second.put(s, decision(b.decide("x", s)));
        }
        assertThat(second).isEqualTo(first);
        // Not one constant decision: the rules fire on some calls and not on others, with varied delays.
        assertThat(new java.util.HashSet<>(first.values()).size()).isGreaterThan(calls / 2);
        assertThat(first.values()).anyMatch(v -> v.startsWith("RESET")).anyMatch(v -> v.startsWith("HTTP_STATUS"))
                .anyMatch(v -> v.startsWith("-"));
        // Another plan seed decides otherwise.
        FaultPlan other = FaultPlan.builder().seed(78L).rule(plan.rules().get(0)).rule(plan.rules().get(1))
                .rule(plan.rules().get(2)).build();
        FaultDecider c = other.newDecider();
        java.util.Map<Long, String> third = new java.util.HashMap<>();
        for (long s : inOrder) {
            third.put(s, decision(c.decide("x", s)));
        }
        assertThat(third).isNotEqualTo(first);
    }

    @Test
    void withoutACallSeqTheKthArrivalDecidesAsBefore() {
        FaultPlan plan = FaultPlan.builder().seed(11L).rule(FaultRule.forAll(Fault.reset()).probability(0.4))
                .build();
        java.util.SplittableRandom expected = new java.util.SplittableRandom(11L);
        FaultDecider d = plan.newDecider();
        FaultDecider viaZero = plan.newDecider();
        for (int k = 0; k < 200; k++) {
            boolean fires = expected.nextDouble() < 0.4;
            assertThat(d.decide("x").answer() != null).as("arrival %d", k).isEqualTo(fires);
            assertThat(viaZero.decide("x", 0).answer() != null).as("arrival %d, seq 0", k).isEqualTo(fires);
        }
    }

    @Test
    void theClientIdSeparatesTwoClientsDrawsAndNoIdDrawsAsBefore() {
        FaultPlan plan = mixedPlan();
        FaultDecider d = plan.newDecider();
        List<String> alpha = new ArrayList<>();
        List<String> beta = new ArrayList<>();
        List<String> alphaAgain = new ArrayList<>();
        for (long s = 1; s <= 100; s++) {
            alpha.add(decision(d.decide("x", "alpha", s)));
            beta.add(decision(d.decide("x", "beta", s)));
            assertThat(decision(d.decide("x", null, s))).as("seq %d without an id", s)
                    .isEqualTo(decision(d.decide("x", s)));
        }
        FaultDecider again = plan.newDecider();
        for (long s = 100; s >= 1; s--) {
            alphaAgain.add(0, decision(again.decide("x", "alpha", s)));
        }
        assertThat(beta).isNotEqualTo(alpha);
        assertThat(alphaAgain).isEqualTo(alpha);
        assertThat(FaultDecider.clientKey(null)).isZero();
        assertThat(FaultDecider.clientKey("alpha")).isEqualTo(FaultDecider.clientKey(new String("alpha")))
                .isNotEqualTo(FaultDecider.clientKey("alphb"));
    }
}
