/**
 * Benchmarks: {@link dev.rpcharness.loadtest.bench.SpeedBenchmark} (five client/server stacks against the raw Netty
 * limit, in one run) and {@link dev.rpcharness.loadtest.bench.ConsumerSpeed} (its consumer half, quick to repeat).
 * The Gatling throughput benchmark is the test-scoped {@code ThroughputSimulation}.
 */
package dev.rpcharness.loadtest.bench;
