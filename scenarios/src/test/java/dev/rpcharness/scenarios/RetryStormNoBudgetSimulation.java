package dev.rpcharness.scenarios;

import static dev.rpcharness.loadtest.gatling.RpcDsl.verify;

import dev.rpcharness.consumer.policy.RetryBudget;
import dev.rpcharness.consumer.policy.RetryBudgetState;

/**
 * 12. retry-storm-no-budget: {@link RetryStormSimulation}'s storm with the retry budget off
 * ({@link RetryBudget#UNLIMITED}), a documented example of what the budget prevents. Half the first attempts meet
 * a 503 and go again, a third of those meet the other failing provider and go a third time: about 1 + 1/2 * 4/3 =
 * 1.67 attempts per call, and the retries land on the healthy providers, which then receive about twice their
 * share, past their capacity. The assertions describe the storm: over it, more than 1.5 attempts per call; a healthy
 * provider past its capacity in some second; nothing refused. Tightened: more than 10 attempts per call.
 */
public class RetryStormNoBudgetSimulation extends CallPolicySimulation {

    public RetryStormNoBudgetSimulation() {
        super(30, 400, stormCluster(RetryBudget.UNLIMITED));
        setUpStorm(
                verify("the storm: over 1.5 attempts per call", t -> {
                    double amplification = stormAmplification();
                    figures("storm amplification %.3f, healthy peak %d calls/s (capacity %.0f), budget %s",
                            amplification, stormPeakLoad(0, 1), providerCapacity(STORM_PROVIDERS),
                            t.client().retryBudget());
                    return amplification > threshold(1.5, 10.0) ? null
                            : String.format("only %.3f attempts per call over the storm", amplification);
                }),
                verify("the storm: healthy providers past their capacity", t -> {
                    long peak = stormPeakLoad(0, 1);
                    double capacity = providerCapacity(STORM_PROVIDERS);
                    return peak > capacity ? null
                            : "the healthy providers' peak was " + peak + " calls/s, within capacity " + capacity;
                }),
                verify("nothing refused without a budget", t -> {
                    RetryBudgetState budget = t.client().retryBudget();
                    return budget.refused() == 0 && budget.retries() > 0 ? null : "budget state " + budget;
                }));
    }
}
