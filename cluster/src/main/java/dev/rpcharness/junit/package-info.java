/**
 * The JUnit 5 face of the harness: {@link dev.rpcharness.junit.WithRpcCluster} starts a cluster per test method or
 * class, injects it, its client, providers and service proxies as parameters, fails a test that leaves calls
 * pending or leaks Netty buffers, and prints the cluster's timeline when a test fails.
 */
package dev.rpcharness.junit;
