package dev.rpcharness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import org.junit.jupiter.api.Test;

/** Fault plans draw their randomness from the cluster's seed, per provider ({@link FaultPlan#forRun}). */
class FaultPlanSeedTest {

    @Test
    void aPlanDrawsItsSeedFromTheClusterSeedPerProvider() {
        FaultPlan unseeded = FaultPlan.of(FaultRule.forAll(Fault.reset()).probability(0.5));
        FaultPlan own = FaultPlan.builder().seed(5).rule(FaultRule.forAll(Fault.reset()).probability(0.5)).build();
        long p0;
        try (RpcCluster cluster = RpcCluster.builder().providers(2).seed(42).faultPlan(0, unseeded).build()) {
            p0 = cluster.provider(0).faultPlan().seed();
            assertThat(p0).isNotZero();
            cluster.faultPlan(1, unseeded);
            long p1 = cluster.provider(1).faultPlan().seed();
            assertThat(p1).isNotZero().isNotEqualTo(p0);
            assertThat(cluster.timeline().render()).as("the timeline shows the seed in force").contains("seed=" + p1);
            cluster.faultPlan(1, own);
            assertThat(cluster.provider(1).faultPlan().seed()).as("a plan's own seed is mixed with the run's")
                    .isNotEqualTo(p1).isEqualTo(own.forRun(42, 1).seed());
        }
        try (RpcCluster again = RpcCluster.builder().providers(1).seed(42).faultPlan(0, unseeded).build()) {
            assertThat(again.provider(0).faultPlan().seed()).as("same cluster seed, same plan seed").isEqualTo(p0);
        }
        try (RpcCluster other = RpcCluster.builder().providers(1).seed(43).faultPlan(0, unseeded).build()) {
            assertThat(other.provider(0).faultPlan().seed()).as("another cluster seed, another plan seed")
                    .isNotEqualTo(p0);
        }
    }
}
