package dev.rpcharness.loadtest.gatling;

import dev.rpcharness.loadtest.record.Outcome;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Ready-made {@link RpcCheck}s: on the outcome, the result value (alone or against the call's arguments) and the
 * latency. Their failure messages are stable (they never quote the returned value), so Gatling's error table keeps
 * one row per kind of failure; write your own checks the same way.
 */
public final class RpcChecks {

    private RpcChecks() {
    }

    /** Passes when the call ended with one of {@code accepted} (for example OK or REMOTE_ERROR). */
    public static RpcCheck outcomeIn(Outcome first, Outcome... more) {
        Set<Outcome> accepted = EnumSet.of(first, more);
        return new RpcCheck() {
            @Override
            public String check(RpcResult r) {
                return accepted.contains(r.outcome()) ? null : "outcome " + r.outcome().label() + " not in " + accepted;
            }

            @Override
            public boolean judgesOutcome() {
                return true;
            }
        };
    }

    /** Passes when the call succeeded with a value equal to {@code expected} (a constant: it is in the message). */
    public static RpcCheck resultIs(Object expected) {
        return r -> r.outcome() != Outcome.OK || Objects.equals(r.value(), expected) ? null
                : "result is not " + abbreviate(expected);
    }

    /** Passes when the call succeeded with a value matching {@code predicate}, described by {@code what}. */
    public static RpcCheck result(Predicate<Object> predicate, String what) {
        return r -> r.outcome() != Outcome.OK || predicate.test(r.value()) ? null
                : "result is not " + what;
    }

    /**
     * Passes when the call succeeded with a value that matches its arguments, for example
     * {@code resultMatches((args, value) -> value.equals(args.get(0)), "the echoed argument")}; described by
     * {@code what}.
     */
    public static RpcCheck resultMatches(BiPredicate<List<Object>, Object> predicate, String what) {
        Objects.requireNonNull(predicate, "predicate");
        Objects.requireNonNull(what, "what");
        return r -> r.outcome() != Outcome.OK || predicate.test(r.args(), r.value()) ? null
                : "result does not match the arguments: not " + what;
    }

    /** Passes when the call took at most {@code limit} from its intended start, whatever its outcome. */
    public static RpcCheck latencyAtMost(Duration limit) {
        long nanos = limit.toNanos();
        return r -> r.latencyNanos() <= nanos ? null : "took longer than " + limit.toMillis() + " ms";
    }

    private static String abbreviate(Object value) {
        String s = String.valueOf(value);
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 37) + "...'";
    }
}
