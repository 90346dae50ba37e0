package dev.rpcharness.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The running counts of one check and a bounded sample of its violations and flagged calls: the first {@code
 * sampleLimit} of each are kept, every one is counted. Not thread-safe: one per check.
 */
final class ReportTally {

    private final int sampleLimit;
    private final List<Violation> violations = new ArrayList<>();
    private final List<String> flagged = new ArrayList<>();
    private long violationCount;
    private long flaggedCount;
    long ok;
    long fail;
    long info;
    long infoRan;
    long infoNotRan;
    long infoUnknown;
    long open;

    ReportTally(int sampleLimit) {
        this.sampleLimit = sampleLimit;
    }

    void violation(Violation v) {
        violationCount++;
        if (violations.size() < sampleLimit) {
            violations.add(v);
        }
    }

    /** Counts a flagged call; builds its description only when it is kept. */
    void flagged(java.util.function.Supplier<String> description) {
        flaggedCount++;
        if (flagged.size() < sampleLimit) {
            flagged.add(description.get());
        }
    }

    CheckReport report(String source, long calls) {
        return new CheckReport(source, calls, ok, fail, info, infoRan, infoNotRan, infoUnknown, open, flaggedCount,
                flagged, violationCount, violations);
    }
}
