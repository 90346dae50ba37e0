/**
 * Latency recording at microsecond resolution from RpcFuture callbacks: outcome classes
 * ({@link dev.rpcharness.loadtest.record.Outcome}), HdrHistogram recorders per method, provider and outcome written
 * as interval logs ({@link dev.rpcharness.loadtest.record.LatencyRecorder}), and reading them back
 * ({@link dev.rpcharness.loadtest.record.IntervalLog}).
 */
package dev.rpcharness.loadtest.record;
