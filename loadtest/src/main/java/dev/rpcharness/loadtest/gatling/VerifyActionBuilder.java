package dev.rpcharness.loadtest.gatling;

import io.gatling.javaapi.core.ActionBuilder;
import java.util.Objects;
import java.util.function.Function;

/**
 * A check on the whole run so far, as a Gatling step: {@code verify("only timeouts", target -> ...)} evaluates a
 * function of the {@link RpcTarget} (its live outcome counts, its latency histograms, its cluster) and logs the
 * result to Gatling as a group named after the check, OK or KO; the function's message goes to the log. A group is
 * not a request: Gatling's request statistics and {@code global()} assertions count the RPC calls only, while
 * {@code details("only timeouts").failedRequests().count().is(0L)} (or {@link RpcDsl#passes}) finds the group and
 * fails the run like any Gatling assertion. This is how expectations that Gatling's own statistics cannot express
 * (which outcome classes failed, the p99 of successful calls, whether a restarted provider serves again) fail a run.
 * A verify step sees the calls that ended before it runs: put it after the load (a pause past the load's end and
 * the call timeout, or a scenario chained with {@code andThen}).
 */
public final class VerifyActionBuilder implements ActionBuilder {

    private final String name;
    private final Function<RpcTarget, String> check;

    VerifyActionBuilder(String name, Function<RpcTarget, String> check) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("verify step name is empty");
        }
        this.name = name;
        this.check = Objects.requireNonNull(check, "check");
    }

    /** The check's name: the Gatling group its result is logged under. */
    public String name() {
        return name;
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return TargetActions.of((target, core, next) ->
                new VerifyAction(name, check, target, next, core.statsEngine(), core.clock()));
    }
}
