package dev.rpcharness.loadtest.throughput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The throughput benchmark's profiling switch ({@code -Drpc.bench.jfr=true}): a JFR recording of the benchmark's
 * JVM with the JDK's {@code profile} settings (execution samples every 10 ms, allocation samples), from
 * {@link #start} to {@link #finish}, written to a file, then summarised ({@link ProfileSummary}). Off, it records
 * nothing and writes nothing.
 *
 * <p>Threading: one thread starts it and finishes or closes it (a simulation's {@code before()}/{@code after()}, or
 * its constructor). Life cycle: {@link #start} begins the recording; {@link #finish} stops it, writes the file and
 * reads it back; {@link #close} ends a recording that was never finished without writing it. Both idempotent.
 */
final class BenchProfile implements AutoCloseable {

    /** The system property that turns profiling on. */
    static final String SWITCH = "rpc.bench.jfr";

    private final Recording recording;
    private final Path file;
    private final List<String> watched;
    private boolean done;

    private BenchProfile(Recording recording, Path file, List<String> watched) {
        this.recording = recording;
        this.file = file;
        this.watched = List.copyOf(watched);
    }

    /** Whether {@code rpc.bench.jfr=true} is set. */
    static boolean requested() {
        return Boolean.parseBoolean(System.getProperty(SWITCH, "false").trim());
    }

    /**
     * The profile of one benchmark line: on when {@link #requested()}, written to
     * {@code <rpc.resultsDir>/rpc-throughput-<line>-<runId>.jfr} ({@code target/gatling} in the load profile).
     */
    static BenchProfile forLine(String line, List<String> watched) {
        String runId = ReferenceFile.runId();
        Path file = ReferenceFile.resultsDir().resolve("rpc-throughput-" + line + (runId == null ? "" : "-" + runId)
                + ".jfr");
        return start(requested(), file, watched);
    }

    /**
     * Starts recording into {@code file} when {@code on}, else returns a profile that does nothing.
     *
     * @param watched fully qualified class names whose share of the samples the summary states
     * @throws IllegalStateException when JFR cannot start (the JVM has no Flight Recorder)
     */
    static BenchProfile start(boolean on, Path file, List<String> watched) {
        if (!on) {
            return new BenchProfile(null, file, watched);
        }
        Recording r;
        try {
            r = new Recording(Configuration.getConfiguration("profile"));
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot read JFR's 'profile' settings for " + SWITCH + ": " + e, e);
        }
        r.setName("rpc-bench " + file.getFileName());
        r.setToDisk(true);
        r.start();
        return new BenchProfile(r, file, watched);
    }

    /** Whether this profile records. */
    boolean on() {
        return recording != null;
    }

    /** Where the recording is written. */
    Path file() {
        return file;
    }

    /**
     * Stops the recording, writes it to {@link #file()} (its folder is created) and summarises it; empty when off or
     * already finished.
     *
     * @throws IOException naming the file when it cannot be written or read back
     */
    Optional<ProfileSummary> finish() throws IOException {
        if (recording == null || done) {
            return Optional.empty();
        }
        done = true;
        try {
            recording.stop();
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            recording.dump(file);
        } finally {
            recording.close();
        }
        return Optional.of(ProfileSummary.read(file, watched));
    }

    /** Ends the recording without writing it, if {@link #finish()} did not. */
    @Override
    public void close() {
        if (recording != null && !done) {
            done = true;
            recording.close();
        }
    }
}
