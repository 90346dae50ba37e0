package dev.rpcharness.loadtest.gatling;

import static dev.rpcharness.loadtest.gatling.RpcDsl.chaos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.link.LinkDirection;
import dev.rpcharness.link.Toxic;
import dev.rpcharness.provider.demo.EchoService;
import dev.rpcharness.provider.demo.EchoServiceImpl;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.run.TimelineEvent;
import java.time.Duration;
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
    void unnamedLinkStepsAreNamedAfterTheActionAndSubjectTheClusterRecords() {
        List<ChaosActionBuilder> steps = List.of(
                chaos().addToxic(1, Toxic.latency(LinkDirection.DOWNSTREAM, Duration.ofMillis(1), Duration.ZERO)),
                chaos().removeToxic(1, "latency_downstream"),
                chaos().addToxic(0, Toxic.resetPeer(LinkDirection.UPSTREAM, Duration.ofSeconds(60))),
                chaos().cutProviderFromZooKeeper(1), chaos().cutClientFromZooKeeper(), chaos().cutClientFromProvider(0),
                chaos().cutRequests(1), chaos().cutAnswers(1));
        try (RpcCluster cluster = RpcCluster.builder().providers(2).links(true).build()) {
            for (ChaosActionBuilder step : steps) {
                int before = cluster.timeline().events().size();
                step.step().accept(cluster);
                TimelineEvent first = cluster.timeline().events().get(before);
                assertThat(first.action() + " " + first.subject()).isEqualTo(step.name());
            }
            chaos().heal().step().accept(cluster);
            assertThat(cluster.timeline().events("link-heal")).extracting(TimelineEvent::subject)
                    .containsExactlyInAnyOrder("p0", "p1", "p1-zookeeper", "client-zookeeper");
            assertThat(cluster.links().all()).allMatch(l -> l.toxics().isEmpty());
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
