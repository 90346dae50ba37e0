package dev.rpcharness.link;

/** A link could not do what was asked: listen, or find a toxic; the message names the link and the address. */
public class LinkException extends RuntimeException {

    public LinkException(String message) {
        super(message);
    }

    public LinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
