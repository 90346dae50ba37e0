package dev.rpcharness.consumer.fuzz;

import java.util.List;
import java.util.Map;

/**
 * The interface the fuzzed calls go through: one method per kind of declared return type the response path
 * decodes into. Every method takes the call's {@code tag}, so the scripted peer can tell the calls apart by
 * their body, whatever request ids the connection gave them.
 */
public interface FuzzService {

    String text(int tag);

    int number(int tag);

    long big(int tag);

    boolean flag(int tag);

    double real(int tag);

    void nothing(int tag);

    Object anything(int tag);

    Map<String, Object> map(int tag);

    Pair pair(int tag);

    List<Pair> pairs(int tag);

    /** A record result. */
    record Pair(String name, int count) {
    }
}
