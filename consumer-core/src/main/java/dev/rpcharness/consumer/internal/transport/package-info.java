/**
 * Transport of one client: Netty I/O threads, one {@link dev.rpcharness.consumer.internal.transport.ProviderConnection}
 * per provider slot (reconnect with backoff, writability, a backlog of unsent calls) and the pending map of calls
 * in flight on each channel. Knows nothing of routing policy. Internal: not part of the consumer's public API.
 */
package dev.rpcharness.consumer.internal.transport;
