package dev.rpcharness.consumer.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A generator of values from a {@link Draw}, with the few combinators the fuzz generators need. Stateless and
 * side-effect free: the same choices give the same value, so a sweep's seed or a fuzzer input replays its case.
 * Every generator ends on an exhausted fuzzer input (lists then take their minimum size, choices their first).
 */
@FunctionalInterface
public interface Gen<T> {

    T next(Draw draw);

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return draw -> f.apply(next(draw));
    }

    default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
        return draw -> f.apply(next(draw)).next(draw);
    }

    /** Lists of {@code min..max} values. */
    default Gen<List<T>> list(int min, int max) {
        return draw -> {
            int size = draw.between(min, max);
            List<T> values = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                values.add(next(draw));
            }
            return values;
        };
    }

    public static <T> Gen<T> just(T value) {
        return draw -> value;
    }

    @SafeVarargs
    public static <T> Gen<T> of(T... values) {
        return of(List.of(values));
    }

    public static <T> Gen<T> of(List<T> values) {
        return draw -> values.get(draw.between(0, values.size() - 1));
    }

    public static <E extends Enum<E>> Gen<E> of(Class<E> type) {
        return of(type.getEnumConstants());
    }

    /** One of the generators, each as likely. */
    @SafeVarargs
    public static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        return draw -> gens[draw.between(0, gens.length - 1)].next(draw);
    }

    /** A generator with its weight, for {@link #frequency}. */
    public record Weighted<T>(int weight, Gen<? extends T> gen) {
    }

    public static <T> Weighted<T> weight(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** One of the generators, chosen in proportion to its weight (weight 0: never). */
    @SafeVarargs
    public static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
        int total = 0;
        for (Weighted<? extends T> choice : choices) {
            total += choice.weight();
        }
        int sum = total;
        return draw -> {
            int pick = draw.between(0, sum - 1);
            for (Weighted<? extends T> choice : choices) {
                pick -= choice.weight();
                if (pick < 0) {
                    return choice.gen().next(draw);
                }
            }
            throw new AssertionError("weights changed");
        };
    }

    public static Gen<Integer> ints(int min, int max) {
        return draw -> draw.between(min, max);
    }

    /** Any {@code int}, its edges more often than chance would give them. */
    public static Gen<Integer> ints() {
        return frequency(weight(1, of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE)),
                weight(4, draw -> (int) draw.anyLong()));
    }

    /** Any {@code long}, its edges more often than chance would give them. */
    public static Gen<Long> longs() {
        return frequency(weight(1, of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, (long) Integer.MAX_VALUE + 1)),
                weight(4, Draw::anyLong));
    }

    /** Any finite {@code double}, small and edge values more often than chance would give them. */
    public static Gen<Double> doubles() {
        return frequency(weight(1, of(0.0, -0.0, 1.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE)),
                weight(2, draw -> draw.between(-1_000_000, 1_000_000) / 64.0), weight(2, Draw::anyDouble));
    }

    public static Gen<Boolean> bools() {
        return of(true, false);
    }

    /** Strings of {@code min..max} characters from {@code first..last}. */
    public static Gen<String> chars(char first, char last, int min, int max) {
        return draw -> {
            char[] chars = new char[draw.between(min, max)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) draw.between(first, last);
            }
            return new String(chars);
        };
    }

    /** Strings of {@code min..max} ASCII letters. */
    public static Gen<String> alpha(int min, int max) {
        return chars('a', 'z', min, max).flatMap(s -> draw -> {
            char[] chars = s.toCharArray();
            for (int i = 0; i < chars.length; i++) {
                if (draw.between(0, 1) == 1) {
                    chars[i] = Character.toUpperCase(chars[i]);
                }
            }
            return new String(chars);
        });
    }

    /** Strings of at most {@code max} UTF-16 units of any kind (lone surrogates included). */
    public static Gen<String> anyString(int max) {
        return draw -> draw.anyString(max);
    }
}
