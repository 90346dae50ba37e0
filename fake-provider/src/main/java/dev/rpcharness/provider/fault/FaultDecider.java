package dev.rpcharness.provider.fault;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The running state of one installed {@link FaultPlan}: a counter per rule and the generator seeded from the
 * plan. Thread-safe: {@link #decide} is serialised, so the k-th call decided gets the same faults on every run
 * (which call is k-th depends on arrival order).
 */
public final class FaultDecider {

    private final FaultPlan plan;
    private final long[] matched;
    private final SplittableRandom random;

    FaultDecider(FaultPlan plan) {
        this.plan = plan;
        this.matched = new long[plan.rules().size()];
        this.random = new SplittableRandom(plan.seed());
    }

    public FaultPlan plan() {
        return plan;
    }

    /** Decides the faults for one call of the named method. */
    public synchronized FaultDecision decide(String methodName) {
        List<FaultRule> rules = plan.rules();
        if (rules.isEmpty()) {
            return FaultDecision.none();
        }
        Fault latency = null;
        long delay = 0L;
        Fault answer = null;
        for (int i = 0; i < rules.size(); i++) {
            FaultRule rule = rules.get(i);
            if (!rule.matches(methodName)) {
                continue;
            }
            long count = ++matched[i];
            if (!fires(rule, count)) {
                continue;
            }
            Fault f = rule.fault();
            if (f.isLatency()) {
                if (latency == null) {
                    latency = f;
                    delay = Math.max(0L, f.sampleDelayNanos(random));
                }
            } else if (answer == null) {
                answer = f;
            }
        }
        return latency == null && answer == null ? FaultDecision.none() : new FaultDecision(latency, delay, answer);
    }

    /** Draws bytes from the plan's generator (for garbage answers). */
    public synchronized void nextBytes(byte[] bytes) {
        random.nextBytes(bytes);
    }

    private boolean fires(FaultRule rule, long count) {
        switch (rule.trigger()) {
            case PROBABILITY:
                return random.nextDouble() < rule.probability();
            case EVERY_NTH:
                return count % rule.n() == 0;
            case FIRST_N:
                return count <= rule.n();
            default:
                return true;
        }
    }
}
