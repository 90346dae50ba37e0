package dev.rpcharness.consumer.internal.call;

/**
 * The two budgets of a call, in nanoseconds: how long, from its start, it may wait for a provider in all, and how
 * long it may take once it is first handed to a connection. A client's plain calls all share its one instance (a
 * call in flight then carries one reference instead of two longs: the heap of a million calls in flight counts every
 * 8 bytes of a call); an attempt of a call with a policy has its own. Immutable.
 *
 * @param providerWaitNanos how long, from the call's start, it may wait for a provider in all
 * @param callTimeoutNanos  how long it may take from the moment it is first handed to a connection
 */
public record CallLimits(long providerWaitNanos, long callTimeoutNanos) {
}
