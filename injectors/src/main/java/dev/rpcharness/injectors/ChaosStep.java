package dev.rpcharness.injectors;

import java.time.Duration;
import java.util.Objects;

/**
 * One chaos step of a run of several injectors: what it is called, when it runs (after the run's start) and what it
 * does. Every injector is given the same list, in the same order; the {@link ChaosConductor} runs each step once.
 *
 * @param name the step's name, as the timeline shows it ({@code crash p0})
 * @param at when it runs, after the run's start barrier
 * @param action what it does; runs on the conductor's thread and may be interrupted when the conductor closes
 */
public record ChaosStep(String name, Duration at, Runnable action) {

    /** Validates. */
    public ChaosStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(action, "action");
        if (at.isNegative()) {
            throw new IllegalArgumentException("at must not be negative, was " + at + " for step " + name);
        }
    }
}
