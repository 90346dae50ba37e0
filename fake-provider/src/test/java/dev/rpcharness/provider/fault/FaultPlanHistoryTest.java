package dev.rpcharness.provider.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.provider.fault.FaultPlanHistory.Span;
import org.junit.jupiter.api.Test;

/** The spans in which a provider ran a plan able to end connections, as the call-history checker reads them. */
class FaultPlanHistoryTest {

    private static final FaultPlan RESET = FaultPlan.of(FaultRule.forAll(Fault.reset()).everyNth(3));
    private static final FaultPlan LATENCY = FaultPlan.of(FaultRule.forAll(Fault.latencyFixed(
            java.time.Duration.ofMillis(5))));

    @Test
    void onlyPlansWithAResetCloseOrTruncationCloseConnections() {
        assertThat(RESET.closesConnections()).isTrue();
        assertThat(FaultPlan.of(FaultRule.forAll(Fault.closeWithoutAnswer())).closesConnections()).isTrue();
        assertThat(FaultPlan.of(FaultRule.forAll(Fault.truncatedBody())).closesConnections()).isTrue();
        assertThat(LATENCY.closesConnections()).isFalse();
        assertThat(FaultPlan.of(FaultRule.forAll(Fault.hang())).closesConnections()).isFalse();
        assertThat(FaultPlan.none().closesConnections()).isFalse();
    }

    @Test
    void aClosingPlanCountsOnlyWhileItIsInstalled() {
        FaultPlanHistory history = new FaultPlanHistory(FaultPlan.none());
        assertThat(history.closingSpans()).isEmpty();
        history.installed(LATENCY, 5);
        history.installed(RESET, 10);
        history.installed(FaultPlan.none(), 20);
        history.installed(RESET, 30);
        assertThat(history.closingSpans()).containsExactly(new Span(10, 20), new Span(30, Long.MAX_VALUE));
    }

    @Test
    void aClosingPlanFromTheBuilderCountsFromTheBeginning() {
        FaultPlanHistory history = new FaultPlanHistory(RESET);
        history.installed(RESET, 7);
        history.installed(LATENCY, 9);
        assertThat(history.closingSpans()).containsExactly(new Span(Long.MIN_VALUE, 9));
    }

    @Test
    void beforeTheOldestInstallationKeptThePlanCountsAsClosing() {
        FaultPlanHistory history = new FaultPlanHistory(FaultPlan.none());
        for (int i = 1; i <= FaultPlanHistory.MAX_ENTRIES + 1; i++) {
            history.installed(FaultPlan.none(), i);
        }
        assertThat(history.closingSpans()).containsExactly(new Span(Long.MIN_VALUE, 2));
    }
}
