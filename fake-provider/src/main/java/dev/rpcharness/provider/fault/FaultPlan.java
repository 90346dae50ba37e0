package dev.rpcharness.provider.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of {@link FaultRule}s and a seed. Immutable; a provider turns it into a {@link FaultDecider}
 * (which holds the counters and the seeded generator) when the plan is installed, so the faults chosen for the
 * k-th call are the same on every run with the same seed; for a call that carries its consumer's call-sequence
 * number, the probabilistic draws depend on that number instead of the arrival order, mixed with the consumer's
 * client id when the call names one ({@code X-Rpc-Client-Id}): the draws of call k are then
 * {@code f(seed ^ h(clientId), rule index, k)}, so two clients' k-th calls draw apart, and the same seed with the same
 * client ids draws the same faults again ({@link FaultDecider}, docs/history.md "Replay").
 *
 * <p>For each call the rules are tried in order: the first firing latency rule sets the delay, the first firing
 * answer-fault rule sets what goes on the wire; later rules of the same sort are still counted but do not apply.
 */
public final class FaultPlan {

    private static final FaultPlan NONE = new FaultPlan(0L, List.of());

    private final long seed;
    private final List<FaultRule> rules;

    private FaultPlan(long seed, List<FaultRule> rules) {
        this.seed = seed;
        this.rules = List.copyOf(rules);
    }

    /** The plan without faults. */
    public static FaultPlan none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A plan of one rule with seed 0. */
    public static FaultPlan of(FaultRule... rules) {
        Builder b = builder();
        for (FaultRule r : rules) {
            b.rule(r);
        }
        return b.build();
    }

    public long seed() {
        return seed;
    }

    public List<FaultRule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether a rule of this plan can end a connection ({@link FaultKind#closesConnection()}). */
    public boolean closesConnections() {
        return rules.stream().anyMatch(r -> r.fault().kind().closesConnection());
    }

    /**
     * This plan as provider {@code providerIndex} of a run seeded with {@code runSeed} uses it: the same rules,
     * with a seed drawn from the run's seed, the plan's own seed and the provider's index. So one run seed gives
     * every provider of a run its own, reproducible sequence of fault decisions, and another run seed another.
     * The plan without faults stays itself.
     */
    public FaultPlan forRun(long runSeed, int providerIndex) {
        if (rules.isEmpty()) {
            return this;
        }
        long mixed = new java.util.SplittableRandom(runSeed).split().nextLong() ^ seed * 0x9E3779B97F4A7C15L
                ^ (providerIndex + 1L) * 0xC2B2AE3D27D4EB4FL;
        return new FaultPlan(new java.util.SplittableRandom(mixed).nextLong(), rules);
    }

    /** A fresh decider for this plan: counters at zero, generator at the seed. */
    public FaultDecider newDecider() {
        return new FaultDecider(this);
    }

    @Override
    public String toString() {
        return rules.isEmpty() ? "FaultPlan[none]" : "FaultPlan[seed=" + seed + ", " + rules + "]";
    }

    /** Builds a {@link FaultPlan}; not thread-safe. */
    public static final class Builder {
        private long seed;
        private final List<FaultRule> rules = new ArrayList<>();

        private Builder() {
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder rule(FaultRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        public FaultPlan build() {
            return new FaultPlan(seed, rules);
        }
    }
}
