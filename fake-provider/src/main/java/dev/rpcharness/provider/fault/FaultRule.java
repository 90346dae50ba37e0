package dev.rpcharness.provider.fault;

import java.util.Objects;

/**
 * Which calls a fault applies to and how often: every method or one method name, and always, with a probability,
 * every n-th matching call, or the first n matching calls. Immutable: {@link #always()}, {@link #probability},
 * {@link #everyNth} and {@link #firstN} return a new rule, for example
 * {@code FaultRule.forMethod("hello", Fault.reset()).everyNth(3)}. A new rule applies always.
 */
public final class FaultRule {

    /** How often a rule fires among the calls it matches. */
    public enum Trigger { ALWAYS, PROBABILITY, EVERY_NTH, FIRST_N }

    private final String methodName;
    private final Fault fault;
    private final Trigger trigger;
    private final double probability;
    private final int n;

    private FaultRule(String methodName, Fault fault, Trigger trigger, double probability, int n) {
        this.methodName = methodName;
        this.fault = Objects.requireNonNull(fault, "fault");
        this.trigger = trigger;
        this.probability = probability;
        this.n = n;
    }

    /** A rule for every method of every served interface. */
    public static FaultRule forAll(Fault f) {
        return new FaultRule(null, f, Trigger.ALWAYS, 1.0, 0);
    }

    /** A rule for the methods with this name (any interface, any overload). */
    public static FaultRule forMethod(String methodName, Fault f) {
        Objects.requireNonNull(methodName, "methodName");
        return new FaultRule(methodName, f, Trigger.ALWAYS, 1.0, 0);
    }

    /** Fires on every matching call. */
    public FaultRule always() {
        return new FaultRule(methodName, fault, Trigger.ALWAYS, 1.0, 0);
    }

    /** Fires on each matching call with probability {@code p}, drawn from the plan's seeded generator. */
    public FaultRule probability(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be within 0..1, got " + p);
        }
        return new FaultRule(methodName, fault, Trigger.PROBABILITY, p, 0);
    }

    /** Fires on the n-th, 2n-th, ... matching call. */
    public FaultRule everyNth(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("everyNth needs n >= 1, got " + n);
        }
        return new FaultRule(methodName, fault, Trigger.EVERY_NTH, 1.0, n);
    }

    /** Fires on the first n matching calls only. */
    public FaultRule firstN(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("firstN needs n >= 0, got " + n);
        }
        return new FaultRule(methodName, fault, Trigger.FIRST_N, 1.0, n);
    }

    /** The method name this rule matches, or null for every method. */
    public String methodName() {
        return methodName;
    }

    public Fault fault() {
        return fault;
    }

    public Trigger trigger() {
        return trigger;
    }

    /** The probability of a {@link Trigger#PROBABILITY} rule (1 otherwise). */
    public double probability() {
        return probability;
    }

    /** The n of an {@link Trigger#EVERY_NTH} or {@link Trigger#FIRST_N} rule (0 otherwise). */
    public int n() {
        return n;
    }

    /** Whether this rule applies to calls of the named method. */
    public boolean matches(String method) {
        return methodName == null || methodName.equals(method);
    }

    @Override
    public String toString() {
        String target = methodName == null ? "all" : methodName;
        switch (trigger) {
            case PROBABILITY:
                return target + ": " + fault + " p=" + probability;
            case EVERY_NTH:
                return target + ": " + fault + " every " + n;
            case FIRST_N:
                return target + ": " + fault + " first " + n;
            default:
                return target + ": " + fault + " always";
        }
    }
}
