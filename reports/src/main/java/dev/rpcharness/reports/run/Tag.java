package dev.rpcharness.reports.run;

import java.util.Objects;

/**
 * One histogram tag of a run's latency log, {@code <method>[@<provider>]/<outcome>}, for example {@code echo/ok} or
 * {@code echo@127.0.0.1:20881/timeout}. Immutable.
 *
 * @param method   the called method
 * @param provider {@code host:port} of the provider, or null for the tag over every provider
 * @param outcome  how the calls ended: {@code ok}, {@code timeout}, {@code connection-lost}, ...
 */
public record Tag(String method, String provider, String outcome) {

    /** The outcome of calls that returned a result. */
    public static final String OK = "ok";

    public Tag {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException when it has no {@code /<outcome>} part
     */
    public static Tag parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("histogram without a tag: expected <method>[@<provider>]/<outcome>");
        }
        int slash = text.lastIndexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("histogram tag '" + text
                    + "' is not <method>[@<provider>]/<outcome>");
        }
        String head = text.substring(0, slash);
        int at = head.indexOf('@');
        return at < 0 ? new Tag(head, null, text.substring(slash + 1))
                : new Tag(head.substring(0, at), head.substring(at + 1), text.substring(slash + 1));
    }

    /** True for the tag over every provider (no {@code @provider} part). */
    public boolean allProviders() {
        return provider == null;
    }

    /** True when the calls failed (any outcome but {@code ok}). */
    public boolean failed() {
        return !OK.equals(outcome);
    }

    @Override
    public String toString() {
        return method + (provider == null ? "" : "@" + provider) + "/" + outcome;
    }
}
