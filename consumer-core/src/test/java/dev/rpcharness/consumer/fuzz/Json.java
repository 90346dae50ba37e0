package dev.rpcharness.consumer.fuzz;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of JSON text for result and error values: scalars at and past the edges of every number type,
 * escaped and broken strings, nested containers, nesting and number lengths just inside and past the parser's
 * limits, and type ids naming the {@link Gadget} canary. Stateless; every generator shrinks toward small, plain
 * values.
 */
final class Json {

    static final String GADGET = Gadget.class.getName();

    /** Jackson's default limits (StreamReadConstraints): nesting depth and number length. */
    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_LENGTH = 1000;

    private Json() {
    }

    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    static String array(List<String> values) {
        return "[" + String.join(",", values) + "]";
    }

    static String object(List<String> fields) {
        return "{" + String.join(",", fields) + "}";
    }

    static String field(String name, String value) {
        return quote(name) + ":" + value;
    }

    /** Any JSON value within the parser's limits. */
    static Arbitrary<String> value() {
        return value(3);
    }

    private static Arbitrary<String> value(int depth) {
        if (depth == 0) {
            return scalar();
        }
        Arbitrary<String> inner = Arbitraries.lazy(() -> value(depth - 1));
        return Arbitraries.frequencyOf(
                Tuple.of(6, scalar()),
                Tuple.of(2, inner.list().ofMaxSize(4).map(Json::array)),
                Tuple.of(2, Combinators.combine(name(), inner).as(Json::field).list().ofMaxSize(4).map(Json::object)),
                Tuple.of(1, gadget()),
                Tuple.of(1, deep(1, 60)));
    }

    static Arbitrary<String> scalar() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("null", "true", "false")),
                Tuple.of(3, Arbitraries.integers().map(String::valueOf)),
                Tuple.of(2, Arbitraries.longs().map(String::valueOf)),
                Tuple.of(2, bigInteger(40)),
                Tuple.of(2, Arbitraries.doubles().filter(Double::isFinite).map(String::valueOf)),
                Tuple.of(2, Arbitraries.of("1e400", "-1e400", "1E-400", "-0", "0.0", "-0.0e0", "2147483648",
                        "-2147483649", "9223372036854775808", "-9223372036854775809", "1.7976931348623157E309",
                        "4.9E-325", "123456789012345678901234567890.5e-3", "1.0", "0.5")),
                Tuple.of(3, string()));
    }

    /** An integer of up to {@code maxDigits} digits, no leading zero. */
    static Arbitrary<String> bigInteger(int maxDigits) {
        return Combinators.combine(Arbitraries.of("", "-"), Arbitraries.integers().between(1, 9),
                        Arbitraries.strings().numeric().ofMaxLength(maxDigits - 1))
                .as((sign, first, rest) -> sign + first + rest);
    }

    static Arbitrary<String> string() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(Json::quote),
                Arbitraries.strings().all().ofMaxLength(12).map(Json::quote),
                Arbitraries.of("\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"\\uD83D\\uDE00\"", "\"\\/\\b\\f\"",
                        "\"" + GADGET + "\"", "\"\""));
    }

    static Arbitrary<String> name() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                Arbitraries.of("@class", "@type", "@c", "requestId", "result", "error", "type", "message",
                        "", GADGET));
    }

    /** Type ids and wrappers naming the canary class, the ways Jackson's polymorphic handling spells them. */
    static Arbitrary<String> gadget() {
        String g = quote(GADGET);
        return Arbitraries.of(
                "{\"@class\":" + g + ",\"command\":\"touch\"}",
                "{\"@type\":" + g + "}",
                "{\"@c\":\".Gadget\",\"command\":\"x\"}",
                "[" + g + ",{\"command\":\"touch\"}]",
                "{" + g + ":{\"command\":\"touch\"}}",
                "[\"java.util.ArrayList\",[[" + g + ",{}]]]",
                "{\"name\":\"n\",\"count\":1,\"@class\":" + g + "}",
                g);
    }

    /** Arrays or objects nested {@code min..max} deep around a scalar. */
    static Arbitrary<String> deep(int min, int max) {
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.of(true, false))
                .as((depth, arrays) -> arrays
                        ? "[".repeat(depth) + "1" + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
    }

    /** Values past the parser's limits: nesting deeper than it takes, numbers longer than it takes. */
    static Arbitrary<String> pastLimits() {
        return Arbitraries.oneOf(
                deep(MAX_DEPTH + 1, MAX_DEPTH + 200),
                Combinators.combine(Arbitraries.integers().between(MAX_NUMBER_LENGTH + 1, MAX_NUMBER_LENGTH + 100),
                        Arbitraries.of("", "-", "0."))
                        .as((digits, prefix) -> prefix + "7".repeat(digits)));
    }

    /** A value of the method's declared return type; text results carry {@code token}. */
    static Arbitrary<String> typed(FuzzMethod method, String token) {
        Arbitrary<String> pair = Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(6),
                        Arbitraries.integers())
                .as((name, count) -> object(List.of(field("name", quote(name)), field("count", count.toString()))));
        return switch (method) {
            case TEXT -> Arbitraries.just(quote(token));
            case NUMBER -> Arbitraries.integers().map(String::valueOf);
            case BIG -> Arbitraries.longs().map(String::valueOf);
            case FLAG -> Arbitraries.of("true", "false");
            case REAL -> Arbitraries.doubles().filter(Double::isFinite).map(String::valueOf);
            case NOTHING -> Arbitraries.just("null");
            case ANYTHING -> value(2);
            case MAP -> Combinators.combine(name(), value(1)).as(Json::field).list().ofMaxSize(3).map(Json::object);
            case PAIR -> pair;
            case PAIRS -> pair.list().ofMaxSize(3).map(Json::array);
        };
    }
}
