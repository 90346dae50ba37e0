package dev.rpcharness.injectors;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** Injectors died before they finished and the run's policy is {@link LostInjectorPolicy#FAIL}; names them. */
public final class InjectorLostException extends InjectorRunException {

    private static final long serialVersionUID = 1L;

    private final SortedSet<String> lost;

    InjectorLostException(String runId, String injectorId, SortedSet<String> lost) {
        super("run " + runId + " failed: injector(s) lost before they finished: " + String.join(", ", lost)
                + " (seen by " + injectorId + ")");
        this.lost = Collections.unmodifiableSortedSet(new TreeSet<>(lost));
    }

    /** The lost injectors, sorted. */
    public SortedSet<String> lost() {
        return lost;
    }
}
