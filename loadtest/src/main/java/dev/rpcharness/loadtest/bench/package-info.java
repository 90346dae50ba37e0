/**
 * Benchmarks: {@link dev.rpcharness.loadtest.bench.ClientComparison} (consumer core against a bare Netty client,
 * {@link dev.rpcharness.loadtest.bench.RawHttpRpcClient}, on the same provider). The Gatling throughput benchmark
 * is the test-scoped {@code ThroughputSimulation}.
 */
package dev.rpcharness.loadtest.bench;
