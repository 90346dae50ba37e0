package dev.rpcharness.injectors;

import java.time.Duration;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** A start or end barrier did not fill within its bound; names the injectors that never arrived. */
public final class BarrierTimeoutException extends InjectorRunException {

    private static final long serialVersionUID = 1L;

    private final String barrier;
    private final SortedSet<String> missing;
    private final Duration waited;

    BarrierTimeoutException(String runId, String injectorId, String barrier, SortedSet<String> missing,
            Duration waited) {
        super("run " + runId + ": the " + barrier + " barrier did not fill within " + waited.toMillis() + " ms ("
                + injectorId + " waited); missing: " + String.join(", ", missing));
        this.barrier = barrier;
        this.missing = Collections.unmodifiableSortedSet(new TreeSet<>(missing));
        this.waited = waited;
    }

    /** {@code start} or {@code end}. */
    public String barrier() {
        return barrier;
    }

    /** The injectors that did not arrive, sorted. */
    public SortedSet<String> missing() {
        return missing;
    }

    /** How long this injector waited. */
    public Duration waited() {
        return waited;
    }
}
