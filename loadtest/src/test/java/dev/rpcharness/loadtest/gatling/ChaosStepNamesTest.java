package dev.rpcharness.loadtest.gatling;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.TimelineEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An unnamed chaos step of the DSL is named exactly as the cluster's timeline records it (docs/timeline.md). */
class ChaosStepNamesTest {

    @Test
    void unnamedChaosStepsAreNamedAfterTheActionAndSubjectTheClusterRecords() {
        List<ChaosActionBuilder> steps = List.of(chaos().faultPlan(0, FaultPlan.none()), chaos().freeze(0),
                chaos().thaw(0), chaos().crash(0), chaos().restart(0), chaos().stop(1), chaos().restart(1),
                chaos().expireSession(1), chaos().stopZooKeeper(), chaos().restartZooKeeper());
        try (RpcCluster cluster = RpcCluster.builder().providers(2).serve(EchoService.class, EchoServiceImpl::new)
                .build()) {
            for (ChaosActionBuilder step : steps) {
                int before = cluster.timeline().events().size();
                step.step().accept(cluster);
                // provider events of an earlier step may still arrive (a re-registration): skip them
                TimelineEvent first = cluster.timeline().events().stream().skip(before)
                        .filter(e -> !e.action().startsWith("provider-")).findFirst().orElseThrow();

                assertThat(first.action() + " " + first.subject()).isEqualTo(step.name());
            }
        }
    }

    @Test
    void aNamedStepKeepsItsNameAndRunNeedsOne() {
        assertThat(chaos("crash the busy one").crash(2).name()).isEqualTo("crash the busy one");
        assertThat(chaos().crash(2).name()).isEqualTo("crash p2");
        assertThatThrownBy(() -> chaos().run(c -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a name");
    }
}
