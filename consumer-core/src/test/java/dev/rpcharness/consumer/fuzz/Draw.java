package dev.rpcharness.consumer.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.Random;

/**
 * Where the generators' choices come from: a seeded {@link Random} in the seeded sweeps ({@link FuzzSweep}), or
 * the fuzzer's input in a Jazzer {@code @FuzzTest} (so Jazzer's coverage feedback steers every choice). Used by
 * one thread, for one generated case; not thread-safe. A fuzzer input that runs out yields each range's lower
 * end, so every generator also ends on an empty input.
 */
public interface Draw {

    /** A number in {@code [min, max]}, both inclusive. */
    int between(int min, int max);

    /** Any {@code long}. */
    long anyLong();

    /** Any finite {@code double}. */
    double anyDouble();

    /** A string of at most {@code maxLength} UTF-16 units of any kind, lone surrogates included. */
    String anyString(int maxLength);

    /** Choices from {@code java.util.Random} seeded with {@code seed} (mixed, so neighbouring seeds differ). */
    public static Draw seeded(long seed) {
        Random random = new Random(mix(seed));
        return new Draw() {
            @Override
            public int between(int min, int max) {
                return (int) (min + (long) (random.nextDouble() * ((long) max - min + 1)));
            }

            @Override
            public long anyLong() {
                return random.nextLong();
            }

            @Override
            public double anyDouble() {
                double d = Double.longBitsToDouble(random.nextLong());
                return Double.isFinite(d) ? d : random.nextDouble();
            }

            @Override
            public String anyString(int maxLength) {
                char[] chars = new char[random.nextInt(maxLength + 1)];
                for (int i = 0; i < chars.length; i++) {
                    int kind = random.nextInt(10);
                    chars[i] = (char) (kind < 6 ? 0x20 + random.nextInt(0x5f) : kind < 8 ? random.nextInt(0x100)
                            : kind < 9 ? 0xd800 + random.nextInt(0x800) : random.nextInt(0x10000));
                }
                return new String(chars);
            }
        };
    }

    /** Choices read from a Jazzer fuzzer input. */
    public static Draw of(FuzzedDataProvider data) {
        return new Draw() {
            @Override
            public int between(int min, int max) {
                return data.consumeInt(min, max);
            }

            @Override
            public long anyLong() {
                return data.consumeLong();
            }

            @Override
            public double anyDouble() {
                double d = data.consumeDouble();
                return Double.isFinite(d) ? d : 0.0;
            }

            @Override
            public String anyString(int maxLength) {
                return data.consumeString(maxLength);
            }
        };
    }

    /** SplitMix64's finaliser: spreads consecutive seeds over the whole range. */
    private static long mix(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
