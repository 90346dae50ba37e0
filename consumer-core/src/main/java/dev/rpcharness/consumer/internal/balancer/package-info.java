/**
 * Routing policy of one client, in the spirit of grpc-java's LoadBalancer: {@link
 * dev.rpcharness.consumer.internal.balancer.Balancer} takes provider lists from discovery (or the direct list), keeps
 * connections through the transport, and routes calls with an immutable picker snapshot (weighted round robin,
 * writability-aware), one wait-for-ready queue shared by synchronous and asynchronous calls, and outlier ejection.
 * Internal: not part of the consumer's public API.
 */
package dev.rpcharness.consumer.internal.balancer;
