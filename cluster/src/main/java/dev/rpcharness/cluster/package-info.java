/**
 * The world of one test or load run: {@link dev.rpcharness.cluster.ClusterSpec} (the one description of a cluster,
 * with one set of defaults, which {@code RpcCluster.Builder}, {@code @WithRpcCluster} and the load tests'
 * {@code LoadTarget} map onto), {@link dev.rpcharness.cluster.EmbeddedZooKeeper} (a real ZooKeeper, one server or an
 * ensemble, on loopback), {@link dev.rpcharness.cluster.RpcCluster} (ZooKeeper, fake providers and the consumer
 * clients under test, with chaos steps) and its {@link dev.rpcharness.run.Timeline} of every chaos step and provider
 * state change, for test failure messages and the resilience report.
 */
package dev.rpcharness.cluster;
