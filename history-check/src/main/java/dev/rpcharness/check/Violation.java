package dev.rpcharness.check;

/**
 * One broken rule.
 *
 * @param rule    which rule
 * @param seq     the call's number in its client's history (0 when the violation is about the whole history)
 * @param message what happened, naming the call (number, Interface#method, provider, connection, times)
 */
public record Violation(Rule rule, long seq, String message) {

    @Override
    public String toString() {
        return rule + ": " + message;
    }
}
