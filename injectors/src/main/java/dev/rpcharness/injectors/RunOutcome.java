package dev.rpcharness.injectors;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How a run ended for one injector, once it passed the end barrier.
 *
 * @param runId the run
 * @param injectorId this injector
 * @param lost the injectors that died before they finished (empty for a complete run), sorted
 */
public record RunOutcome(String runId, String injectorId, SortedSet<String> lost) {

    /** Copies the lost set. */
    public RunOutcome {
        lost = Collections.unmodifiableSortedSet(new TreeSet<>(lost));
    }

    /** Whether every injector finished. */
    public boolean complete() {
        return lost.isEmpty();
    }

    /** Whether the run ended without some injectors (only with {@link LostInjectorPolicy#PARTIAL}). */
    public boolean partial() {
        return !lost.isEmpty();
    }

    static RunOutcome of(String runId, String injectorId, Set<String> lost) {
        return new RunOutcome(runId, injectorId, new TreeSet<>(lost));
    }
}
