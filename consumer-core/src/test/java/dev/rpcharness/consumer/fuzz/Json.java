package dev.rpcharness.consumer.fuzz;

import static dev.rpcharness.consumer.fuzz.Gen.weight;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;

/**
 * Generators of JSON text for result and error values: scalars at and past the edges of every number type,
 * escaped and broken strings, nested containers, nesting and number lengths just inside and past the parser's
 * limits, and type ids naming the {@link Gadget} canary. Stateless.
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
    static Gen<String> value() {
        return value(3);
    }

    private static Gen<String> value(int depth) {
        if (depth == 0) {
            return scalar();
        }
        Gen<String> inner = draw -> value(depth - 1).next(draw);
        return Gen.frequency(
                weight(6, scalar()),
                weight(2, inner.list(0, 4).map(Json::array)),
                weight(2, field(name(), inner).list(0, 4).map(Json::object)),
                weight(1, gadget()),
                weight(1, deep(1, 60)));
    }

    private static Gen<String> field(Gen<String> name, Gen<String> value) {
        return draw -> field(name.next(draw), value.next(draw));
    }

    static Gen<String> scalar() {
        return Gen.frequency(
                weight(2, Gen.of("null", "true", "false")),
                weight(3, Gen.ints().map(String::valueOf)),
                weight(2, Gen.longs().map(String::valueOf)),
                weight(2, bigInteger(40)),
                weight(2, Gen.doubles().map(String::valueOf)),
                weight(2, Gen.of("1e400", "-1e400", "1E-400", "-0", "0.0", "-0.0e0", "2147483648",
                        "-2147483649", "9223372036854775808", "-9223372036854775809", "1.7976931348623157E309",
                        "4.9E-325", "123456789012345678901234567890.5e-3", "1.0", "0.5")),
                weight(3, string()));
    }

    /** An integer of up to {@code maxDigits} digits, no leading zero. */
    static Gen<String> bigInteger(int maxDigits) {
        return draw -> Gen.of("", "-").next(draw) + draw.between(1, 9)
                + Gen.chars('0', '9', 0, maxDigits - 1).next(draw);
    }

    static Gen<String> string() {
        return Gen.oneOf(
                Gen.anyString(30).map(Json::quote),
                Gen.chars('\u0000', '\uffff', 0, 12).map(Json::quote),
                Gen.of("\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"\\uD83D\\uDE00\"", "\"\\/\\b\\f\"",
                        "\"" + GADGET + "\"", "\"\""));
    }

    static Gen<String> name() {
        return Gen.oneOf(
                Gen.alpha(1, 8),
                Gen.of("@class", "@type", "@c", "requestId", "result", "error", "type", "message",
                        "", GADGET));
    }

    /** Type ids and wrappers naming the canary class, the ways Jackson's polymorphic handling spells them. */
    static Gen<String> gadget() {
        String g = quote(GADGET);
        return Gen.of(
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
    static Gen<String> deep(int min, int max) {
        return draw -> {
            int depth = draw.between(min, max);
            return draw.between(0, 1) == 0
                    ? "[".repeat(depth) + "1" + "]".repeat(depth)
                    : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        };
    }

    /** Values past the parser's limits: nesting deeper than it takes, numbers longer than it takes. */
    static Gen<String> pastLimits() {
        return Gen.oneOf(
                deep(MAX_DEPTH + 1, MAX_DEPTH + 200),
                draw -> {
                    int digits = draw.between(MAX_NUMBER_LENGTH + 1, MAX_NUMBER_LENGTH + 100);
                    return Gen.of("", "-", "0.").next(draw) + "7".repeat(digits);
                });
    }

    /** A value of the method's declared return type; text results carry {@code token}. */
    static Gen<String> typed(FuzzMethod method, String token) {
        Gen<String> pair = draw -> object(List.of(field("name", quote(Gen.alpha(0, 6).next(draw))),
                field("count", Gen.ints().next(draw).toString())));
        return switch (method) {
            case TEXT -> Gen.just(quote(token));
            case NUMBER -> Gen.ints().map(String::valueOf);
            case BIG -> Gen.longs().map(String::valueOf);
            case FLAG -> Gen.of("true", "false");
            case REAL -> Gen.doubles().map(String::valueOf);
            case NOTHING -> Gen.just("null");
            case ANYTHING -> value(2);
            case MAP -> field(name(), value(1)).list(0, 3).map(Json::object);
            case PAIR -> pair;
            case PAIRS -> pair.list(0, 3).map(Json::array);
        };
    }
}
