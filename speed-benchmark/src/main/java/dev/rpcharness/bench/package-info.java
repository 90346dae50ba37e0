/**
 * Benchmarks: {@link dev.rpcharness.bench.SpeedBenchmark} (five client/server stacks against the raw Netty
 * limit, in one run) and {@link dev.rpcharness.bench.ConsumerSpeed} (its consumer half, quick to repeat).
 * The Gatling throughput benchmark is the test-scoped {@code ThroughputSimulation}.
 */
package dev.rpcharness.bench;
