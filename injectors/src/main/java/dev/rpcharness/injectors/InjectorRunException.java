package dev.rpcharness.injectors;

/** A run of several injectors could not go on; the message names the run, the injector and what is missing. */
public class InjectorRunException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message that names the run and the injector. */
    public InjectorRunException(String message) {
        super(message);
    }

    /** With a message and the cause (usually ZooKeeper's). */
    public InjectorRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
