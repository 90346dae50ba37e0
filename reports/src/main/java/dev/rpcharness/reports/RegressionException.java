package dev.rpcharness.reports;

/** Thrown when a report finds regressions against the previous run and was asked to fail on them. */
public final class RegressionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RegressionException(String message) {
        super(message);
    }
}
