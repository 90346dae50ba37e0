package dev.rpcharness.check;

/**
 * A method's call policy as its history's {@code policy} line gives it (docs/history.md). A method without such a
 * line has {@link #ONE_ATTEMPT}. Immutable.
 */
record MethodPolicy(int maxAttempts, boolean idempotent, boolean hedged) {

    /** A method the history has no policy line for: one attempt, not idempotent, as a client without policies. */
    static final MethodPolicy ONE_ATTEMPT = new MethodPolicy(1, false, false);

    @Override
    public String toString() {
        return "max " + maxAttempts + " attempt(s), " + (idempotent ? "idempotent" : "not idempotent")
                + (hedged ? ", hedged" : "");
    }
}
