package dev.rpcharness.provider;

/**
 * A canned answer for one method of a served interface, given the decoded arguments. Returning a value answers
 * it as the result; throwing answers the exception as a remote error. Runs on the connection's event loop, or on
 * the provider's worker pool when the provider was built with {@code blockingImplementations(true)} (or the stub
 * was seen to be slow).
 */
@FunctionalInterface
public interface StubAnswer {
    Object answer(Object[] args) throws Exception;
}
