/**
 * Calls made under a call policy with more than one attempt (docs/call-policies.md): {@link
 * dev.rpcharness.consumer.internal.policy.PolicyCall} runs one call's attempts (failover, one deadline, backoff,
 * hedging, pushback, cancelling the losers), {@link dev.rpcharness.consumer.internal.policy.AttemptFailure} says
 * what a failed attempt allows, {@link dev.rpcharness.consumer.internal.policy.RetryThrottle} is the client's retry
 * budget. Attempts end on I/O threads and timers fire on the balancer's timer loop; no lock is held while a call's
 * future ends or the balancer is called.
 */
package dev.rpcharness.consumer.internal.policy;
