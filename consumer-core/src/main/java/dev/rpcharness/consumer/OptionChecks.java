package dev.rpcharness.consumer;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks of {@link ConsumerOptions.Builder}: each returns the value it accepts and rejects any other with an
 * {@link IllegalArgumentException} (a null with a {@link NullPointerException}) naming the option and the value.
 * Stateless.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    static Duration notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    static int notNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    static int atLeast(String name, int min, int value) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    static int atLeastOne(String name, int value) {
        return atLeast(name, 1, value);
    }

    static int within(String name, int min, int max, int value) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be within " + min + ".." + max + ", was " + value);
        }
        return value;
    }

    /** Checks that both bounds are positive and {@code max} is not below {@code min}. */
    static void positiveRange(String name, String minName, Duration min, String maxName, Duration max) {
        positive(name + " " + minName, min);
        positive(name + " " + maxName, max);
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " " + maxName + " " + max + " is below " + minName + " " + min);
        }
    }
}
