package dev.rpcharness.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The folder of one run (a load run, an injector's share of one, a scenario): the names of the files the harness
 * writes there, and the writers of those that are plain text. Every module that writes or reads a run folder takes
 * the names from here: the load side writes them, the cluster writes the history check's files, the reports read
 * them.
 *
 * <p>Immutable; the writers replace a file whole and create the folder when it is missing. Not thread-safe for
 * two writers of the same file.
 */
public final class RunFolder {

    /** HdrHistogram interval log of every call's latency, one tag per method/provider/outcome. */
    public static final String LATENCY_LOG = "rpc-latency.hlog";
    /** The run's timeline as JSON lines ({@link Timeline#writeJsonLines(Path)}). */
    public static final String TIMELINE = "rpc-timeline.jsonl";
    /** The latency summary, for humans. */
    public static final String SUMMARY_TEXT = "rpc-summary.txt";
    /** The latency summary as one JSON object. */
    public static final String SUMMARY_JSON = "rpc-summary.json";
    /** The replay record of the run: its seed, fault plans, client options and chaos steps. */
    public static final String REPLAY = "rpc-replay.properties";
    /** The call-history check's counts and violations, for humans. */
    public static final String HISTORY_CHECK_TEXT = "rpc-history-check.txt";
    /** The call-history check's counts and violations, one JSON object a line (one per client). */
    public static final String HISTORY_CHECK_JSON = "rpc-history-check.jsonl";
    /** ok / fail / info of the calls started in each chaos step's window, one JSON object a line. */
    public static final String HISTORY_STEPS = "rpc-history-steps.jsonl";
    /**
     * An injector's measured clock offset, one JSON object written by the injector of a coordinated run: its
     * {@code runId}, {@code injector}, the {@code reference} injector it was measured against (the chaos
     * conductor), {@code aheadMillis} (how far this injector's wall clock is ahead of the reference's; negative:
     * behind) and {@code uncertaintyMillis} (the measured offset is within this of the true one). The reports'
     * merge shifts every wall time of the folder by {@code -aheadMillis}. Absent from a run that was not
     * coordinated.
     */
    public static final String INJECTOR_CLOCK = "injector-clock.json";
    /**
     * How a run spread over several injector JVMs ended, in the host's folder: the first line is {@code complete},
     * {@code partial: <why>} or {@code failed: <why>}; then who claimed each chaos step and how each injector's JVM
     * exited.
     */
    public static final String INJECTORS_OUTCOME = "rpc-injectors.txt";

    private final Path dir;

    /** The run folder at {@code dir} (not created until something is written). */
    public RunFolder(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** The path of the file {@code name} (one of this class's names) in the folder. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** Writes the timeline as {@value #TIMELINE}. */
    public void writeTimeline(Timeline timeline) {
        timeline.writeJsonLines(file(TIMELINE));
    }

    /** Writes the latency summary as {@value #SUMMARY_TEXT} and {@value #SUMMARY_JSON}. */
    public void writeSummary(String text, String json) {
        write(SUMMARY_TEXT, text);
        write(SUMMARY_JSON, json);
    }

    /** Writes {@code content} as the file {@code name}, replacing it. */
    public void write(String name, String content) {
        try {
            Files.createDirectories(dir);
            Files.writeString(file(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " to " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "RunFolder[" + dir + "]";
    }
}
