package dev.rpcharness.loadtest.throughput;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The hand-over of the reference line's result to the consumer core's line, which runs next in the same build
 * ({@code mvn verify -Pload} runs {@link HttpReferenceSimulation}, then {@link ThroughputSimulation}): a properties
 * file in the results folder, tagged with the build's run id ({@code rpc.bench.runId}) so that a file left by an
 * earlier build is never read as this one's.
 */
final class ReferenceFile {

    static final String NAME = "rpc-throughput-reference.properties";

    private ReferenceFile() {
    }

    /** The results folder: {@code rpc.resultsDir}, else {@code target/gatling}. */
    static Path resultsDir() {
        return Path.of(System.getProperty("rpc.resultsDir", "target/gatling"));
    }

    /** The build's run id, or null when the simulation runs outside the load profile. */
    static String runId() {
        String id = System.getProperty("rpc.bench.runId", "").trim();
        return id.isEmpty() ? null : id;
    }

    static void write(Path dir, String runId, LineResult r) throws IOException {
        Properties p = new Properties();
        p.setProperty("runId", runId == null ? "" : runId);
        p.setProperty("limit", Double.toString(r.limit()));
        p.setProperty("cpuCores", Double.toString(r.cpuCores()));
        p.setProperty("atLeast", Boolean.toString(r.atLeast()));
        p.setProperty("top", Double.toString(r.top()));
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(dir.resolve(NAME), StandardCharsets.UTF_8)) {
            p.store(w, "the throughput benchmark's reference line: Gatling's own HTTP");
        }
    }

    /** The reference result this build wrote, if any: none when the run ids differ or either is unknown. */
    static Optional<LineResult> read(Path dir, String runId) throws IOException {
        Path file = dir.resolve(NAME);
        if (runId == null || !Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        if (!runId.equals(p.getProperty("runId"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LineResult(Double.parseDouble(p.getProperty("limit")),
                    Double.parseDouble(p.getProperty("cpuCores")), Boolean.parseBoolean(p.getProperty("atLeast")),
                    Double.parseDouble(p.getProperty("top"))));
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a reference result: " + e, e);
        }
    }
}
