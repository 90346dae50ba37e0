package dev.rpcharness.provider;

/**
 * A canned answer for one method of a served interface, given the decoded arguments. Returning a value answers
 * it as the result; throwing answers the exception as a remote error. Runs on the provider's worker executor.
 */
@FunctionalInterface
public interface StubAnswer {
    Object answer(Object[] args) throws Exception;
}
