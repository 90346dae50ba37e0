package dev.rpcharness.provider.fault;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The running state of one installed {@link FaultPlan}: a counter per rule and the generator seeded from the
 * plan. Thread-safe: {@link #decide} is serialised.
 *
 * <p>A call that carries its consumer's call-sequence number ({@code X-Rpc-Call-Seq}, sent when the consumer
 * records a call history) gets its probabilistic draws (whether a {@link FaultRule.Trigger#PROBABILITY} rule fires,
 * a latency's delay) from a generator seeded by the plan's seed, the rule's index and that number alone, so the
 * same call gets the same faults on every run with the same seed, whatever order calls arrive in. Without the
 * number the draws come from the plan's one sequential generator: the k-th call decided gets the same faults on
 * every run (which call is k-th depends on arrival order). Count-based triggers (every n-th, first n) always count
 * arrivals.
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

    /** Decides the faults for one call of the named method, drawing from the sequential generator. */
    public FaultDecision decide(String methodName) {
        return decide(methodName, 0L);
    }

    /**
     * Decides the faults for one call of the named method.
     *
     * @param callSeq the call's number in its consumer's call history, above 0; 0 (or less) when the call carries
     *                none, and the draws then come from the sequential generator
     */
    public synchronized FaultDecision decide(String methodName, long callSeq) {
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
            SplittableRandom draws = callSeq > 0 ? perCall(plan.seed(), i, callSeq) : random;
            if (!fires(rule, count, draws)) {
                continue;
            }
            Fault f = rule.fault();
            if (f.isLatency()) {
                if (latency == null) {
                    latency = f;
                    delay = Math.max(0L, f.sampleDelayNanos(draws));
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

    /** A generator that depends only on the plan's seed, the rule's index and the call's sequence number. */
    static SplittableRandom perCall(long seed, int ruleIndex, long callSeq) {
        long h = seed ^ mix(callSeq * 0x9E3779B97F4A7C15L) ^ mix((ruleIndex + 1L) * 0xC2B2AE3D27D4EB4FL);
        return new SplittableRandom(mix(h));
    }

    /** The 64-bit finaliser of MurmurHash3: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    private static boolean fires(FaultRule rule, long count, SplittableRandom draws) {
        switch (rule.trigger()) {
            case PROBABILITY:
                return draws.nextDouble() < rule.probability();
            case EVERY_NTH:
                return count % rule.n() == 0;
            case FIRST_N:
                return count <= rule.n();
            default:
                return true;
        }
    }
}
