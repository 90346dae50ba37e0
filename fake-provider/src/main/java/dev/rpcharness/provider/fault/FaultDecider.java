package dev.rpcharness.provider.fault;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The running state of one installed {@link FaultPlan}: a counter per rule and the generator seeded from the
 * plan. Thread-safe: {@link #decide} is serialised.
 *
 * <p>A call that carries its consumer's call-sequence number ({@code X-Rpc-Call-Seq}, sent when the consumer
 * records a call history) gets its probabilistic draws (whether a {@link FaultRule.Trigger#PROBABILITY} rule fires,
 * a latency's delay) from a generator seeded by the plan's seed, the rule's index, that number and the consumer's
 * client id ({@code X-Rpc-Client-Id}, when sent) alone, so the same call of the same client gets the same faults on
 * every run with the same seed, whatever order calls arrive in, and the k-th calls of two clients draw apart.
 * Without the number the draws come from the plan's one sequential generator: the k-th call decided gets the same
 * faults on every run (which call is k-th depends on arrival order). Count-based triggers (every n-th, first n)
 * always count arrivals.
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
        return decide(methodName, null, 0L);
    }

    /** Decides the faults for one call of the named method that names no client. */
    public FaultDecision decide(String methodName, long callSeq) {
        return decide(methodName, null, callSeq);
    }

    /**
     * Decides the faults for one call of the named method.
     *
     * @param clientId the consumer's id ({@code X-Rpc-Client-Id}), mixed into the per-call draws; null when the call
     *                 carries none (the draws then depend on the call's number alone)
     * @param callSeq  the call's number in its consumer's call history, above 0; 0 (or less) when the call carries
     *                 none, and the draws then come from the sequential generator
     */
    public synchronized FaultDecision decide(String methodName, String clientId, long callSeq) {
        List<FaultRule> rules = plan.rules();
        if (rules.isEmpty()) {
            return FaultDecision.none();
        }
        Fault latency = null;
        long delay = 0L;
        Fault answer = null;
        long client = callSeq > 0 ? clientKey(clientId) : 0L;
        for (int i = 0; i < rules.size(); i++) {
            FaultRule rule = rules.get(i);
            if (!rule.matches(methodName)) {
                continue;
            }
            long count = ++matched[i];
            SplittableRandom draws = callSeq > 0 ? perCall(plan.seed() ^ client, i, callSeq) : random;
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

    /**
     * A client id as 64 bits to mix into the plan's seed: 0 for none (so a call without one draws as before), else
     * the FNV-1a hash of its characters through {@link #mix}, the same in every JVM.
     */
    static long clientKey(String clientId) {
        if (clientId == null) {
            return 0L;
        }
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < clientId.length(); i++) {
            h = (h ^ clientId.charAt(i)) * 0x100000001B3L;
        }
        return mix(h);
    }

    /** A generator that depends only on the (client-mixed) seed, the rule's index and the call's sequence number. */
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
