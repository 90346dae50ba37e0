package dev.rpcharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The roles of the timeline's actions: the one definition the checker, the reports and a replay read. */
class TimelineActionRolesTest {

    private static Set<String> labels(java.util.function.Predicate<TimelineAction> p) {
        return Arrays.stream(TimelineAction.values()).filter(p).map(TimelineAction::label)
                .collect(Collectors.toSet());
    }

    @Test
    void theChaosStepsAreTheStepsAClusterPerforms() {
        assertThat(labels(TimelineAction::isChaosStep)).containsExactlyInAnyOrder("crash", "freeze", "thaw", "stop",
                "restart", "expire-session", "fault-plan", "zk-stop", "zk-restart", "zk-kill-server",
                "zk-restart-server", "link-toxic", "link-reset", "link-toxic-removed", "link-cut", "link-heal");
    }

    @Test
    void theActionsThatCloseConnectionsAreTheStepsAndReportsOfClosingChanges() {
        assertThat(labels(TimelineAction::closesConnections)).containsExactlyInAnyOrder("crash", "provider-crash",
                "stop", "provider-stop", "restart", "provider-restart", "provider-close", "expire-session",
                "provider-expireSession", "cluster-close", "link-reset");
    }

    @Test
    void bookkeepingIsStartUpShutDownAndTheProvidersOwnReports() {
        Set<String> bookkeeping = labels(TimelineAction::isBookkeeping);
        assertThat(bookkeeping).contains("cluster-start", "cluster-close", "warm-up", "injector-start",
                "injector-stop", "provider-registered", "provider-crash");
        assertThat(bookkeeping).allMatch(a -> !TimelineAction.isChaosStep(a));
        assertThat(bookkeeping).doesNotContain("client-ejected", "test-start", "chaos-failed");
    }

    @Test
    void aStepThatBeginsAnIntervalIsEndedByChaosStepsOnly() {
        for (TimelineAction a : TimelineAction.values()) {
            assertThat(a.endedBy()).as(a.label()).allMatch(TimelineAction::isChaosStep);
            if (!a.endedBy().isEmpty()) {
                assertThat(a.isChaosStep()).as(a.label()).isTrue();
            }
        }
        assertThat(TimelineAction.CRASH.endedBy()).isEqualTo(EnumSet.of(TimelineAction.RESTART));
        assertThat(TimelineAction.FREEZE.stateName()).isEqualTo("frozen");
    }

    @Test
    void labelsAreUniqueAndUnknownLabelsHaveNoRole() {
        assertThat(labels(a -> true)).hasSize(TimelineAction.values().length);
        assertThat(TimelineAction.ofLabel("my-mark")).isEmpty();
        assertThat(TimelineAction.isChaosStep("my-mark")).isFalse();
        assertThat(TimelineAction.closesConnections("crash-failed")).isFalse();
    }
}
