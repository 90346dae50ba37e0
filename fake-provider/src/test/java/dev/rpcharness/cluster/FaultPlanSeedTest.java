package dev.rpcharness.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcharness.provider.fault.Fault;
import dev.rpcharness.provider.fault.FaultPlan;
import dev.rpcharness.provider.fault.FaultRule;
import org.junit.jupiter.api.Test;

/** Fault plans without a seed of their own draw it from the cluster's seed, per provider; others keep theirs. */
class FaultPlanSeedTest {

    @Test
    void aPlanWithoutASeedDrawsItFromTheClusterSeedPerProvider() {
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
            assertThat(cluster.provider(1).faultPlan().seed()).isEqualTo(5);
        }
        try (RpcCluster again = RpcCluster.builder().providers(1).seed(42).faultPlan(0, unseeded).build()) {
            assertThat(again.provider(0).faultPlan().seed()).as("same cluster seed, same plan seed").isEqualTo(p0);
        }
        try (RpcCluster unseededCluster = RpcCluster.builder().providers(1).faultPlan(0, unseeded).build()) {
            assertThat(unseededCluster.provider(0).faultPlan().seed()).as("cluster seed 0 keeps plans").isZero();
        }
    }
}
