package dev.rpcharness.consumer.fuzz;

import java.util.List;
import java.util.Map;

/** The methods of {@link FuzzService}, with the Java type a successful result must have. */
enum FuzzMethod {
    TEXT("text", String.class),
    NUMBER("number", Integer.class),
    BIG("big", Long.class),
    FLAG("flag", Boolean.class),
    REAL("real", Double.class),
    NOTHING("nothing", Void.class),
    ANYTHING("anything", Object.class),
    MAP("map", Map.class),
    PAIR("pair", FuzzService.Pair.class),
    PAIRS("pairs", List.class);

    final String javaName;
    final Class<?> resultType;

    FuzzMethod(String javaName, Class<?> resultType) {
        this.javaName = javaName;
        this.resultType = resultType;
    }

    /** Whether a null result is a legal success (reference return types and void). */
    boolean nullable() {
        return this != NUMBER && this != BIG && this != FLAG && this != REAL;
    }
}
