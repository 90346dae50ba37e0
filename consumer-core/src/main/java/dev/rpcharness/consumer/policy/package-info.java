/**
 * Call policies of the consumer (docs/call-policies.md): per-method {@link dev.rpcharness.consumer.policy.CallPolicy}
 * values, declared with {@link dev.rpcharness.consumer.policy.Idempotent}, {@link dev.rpcharness.consumer.policy.Retry}
 * and {@link dev.rpcharness.consumer.policy.Hedge} or given in the client's options, and the client's
 * {@link dev.rpcharness.consumer.policy.RetryBudget}. Every type here is an immutable value.
 */
package dev.rpcharness.consumer.policy;
