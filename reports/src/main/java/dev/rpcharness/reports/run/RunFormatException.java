package dev.rpcharness.reports.run;

/** A run file that cannot be read: the message names the file, the line when known, and what was wrong. */
public final class RunFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RunFormatException(String message) {
        super(message);
    }

    public RunFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
