package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;

import dev.rpcharness.consumer.policy.RetryBudget;
import dev.rpcharness.consumer.policy.RetryBudgetState;
import dev.rpcharness.loadtest.record.Outcome;

/**
 * 11. retry-storm: four providers, the echo retried up to 3 times on a 503 (idempotent), the client's retry budget
 * on (10 tokens, 0.1 back per answer), outlier ejection off; providers 2 and 3 answer every call with 503 for 10 s
 * in the middle of the run. Expected: the budget stops the retries within a few calls, so over the storm the
 * attempts per call stay under 1.2 and the healthy providers 0 and 1 never receive more than their capacity (1.5
 * times their share of the rate) in any second; the budget refused retries; the calls that failed failed as the
 * 503 they got (protocol errors). {@link RetryStormNoBudgetSimulation} is the same storm without the budget.
 * Tightened: attempts per call under 1.
 */
public class RetryStormSimulation extends CallPolicySimulation {

    public RetryStormSimulation() {
        super(30, 400, stormCluster(RetryBudget.DEFAULT));
        setUpStorm(
                verify("attempts per call over the storm under 1.2", t -> {
                    double amplification = stormAmplification();
                    RetryBudgetState budget = t.client().retryBudget();
                    figures("storm amplification %.3f, healthy peak %d calls/s (capacity %.0f), budget %s",
                            amplification, stormPeakLoad(0, 1), providerCapacity(STORM_PROVIDERS), budget);
                    return amplification < threshold(1.2, 1.0) ? null
                            : String.format("%.3f attempts per call over the storm", amplification);
                }),
                verify("healthy providers within their capacity", t -> {
                    long peak = stormPeakLoad(0, 1);
                    double capacity = providerCapacity(STORM_PROVIDERS);
                    return peak > 0 && peak <= capacity ? null
                            : "a healthy provider received " + peak + " calls in one second, capacity " + capacity;
                }),
                verify("the budget refused retries", t -> {
                    RetryBudgetState budget = t.client().retryBudget();
                    return budget.refused() > 0 ? null : "the budget refused nothing: " + budget;
                }),
                verify("calls failed only as the 503 they got", t -> {
                    long failed = t.recorder().count(ECHO, Outcome.PROTOCOL_ERROR);
                    return failed > 0 ? onlyFailures(t, Outcome.PROTOCOL_ERROR) : "no call failed: no storm?";
                }));
    }
}
