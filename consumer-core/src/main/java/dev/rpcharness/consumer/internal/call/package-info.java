/**
 * One call on its way, {@link dev.rpcharness.consumer.internal.call.RpcCall}: its provider-wait budget, its deadline and
 * its one ending (the {@link dev.rpcharness.consumer.RpcFuture}), and the errors that name where and how long.
 * Internal: not part of the consumer's public API.
 */
package dev.rpcharness.consumer.internal.call;
