package dev.rpcharness.provider;

/**
 * A canned answer for one method of a served interface, given the decoded arguments. Returning a value answers
 * it as the result; throwing answers the exception as a remote error. Runs where the provider runs
 * implementations: on its worker pool (may block), or on the connection's I/O thread when the provider opted in
 * with {@link ImplementationThreads#IO_THREAD}.
 */
@FunctionalInterface
public interface StubAnswer {
    Object answer(Object[] args) throws Exception;
}
