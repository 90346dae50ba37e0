package dev.rpcharness.loadtest.run;

import dev.rpcharness.cluster.ClusterSpec;
import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.cluster.RunHistoryCheck;
import dev.rpcharness.loadtest.record.AttemptLog;
import dev.rpcharness.loadtest.record.LatencyRecorder;
import dev.rpcharness.run.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files one load run leaves: while it runs, the latency log in {@code rpc-<run id>} and the call histories in
 * {@code .rpc-history-<run id>} under the results folder; when it ends, the latency log, timeline and summary
 * moved next to Gatling's report of the run (its newest {@code <name>-<timestamp>} folder), the call histories and
 * their check, and the replay record.
 *
 * <p>Threading: the run folder may be read from any thread; the writes are made once, by the thread that closes
 * the target, in the order the target calls them.
 */
final class RunFiles {

    private static final Logger log = LoggerFactory.getLogger(RunFiles.class);

    private final String name;
    private final Path resultsDir;
    private final String runId;
    private final long startMillis = System.currentTimeMillis();
    private volatile Path runDir;

    RunFiles(String name, Path resultsDir, String runId) {
        this.name = name;
        this.resultsDir = resultsDir;
        this.runId = runId;
        this.runDir = resultsDir.resolve("rpc-" + runId);
    }

    /** The folder the run's files are in: {@code rpc-<run id>} until they move next to Gatling's report. */
    Path runDir() {
        return runDir;
    }

    /** Where the clients' histories are written while the run lasts (moved into the run folder at the end). */
    Path historyDir() {
        return resultsDir.resolve(".rpc-history-" + runId);
    }

    /**
     * Moves the latency log and the attempt log next to Gatling's report and writes the timeline and the summary
     * there.
     */
    void writeLatencyAndTimeline(LatencyRecorder recorder, RpcCluster cluster) {
        Path dir = gatlingRunDir().orElse(runDir);
        try {
            Files.createDirectories(dir);
            RunFolder folder = new RunFolder(dir);
            Path hlog = folder.file(RunFolder.LATENCY_LOG);
            if (!dir.equals(runDir)) {
                Files.move(recorder.logFile(), hlog, StandardCopyOption.REPLACE_EXISTING);
                Path attempts = runDir.resolve(AttemptLog.FILE);
                if (Files.isRegularFile(attempts)) {
                    Files.move(attempts, dir.resolve(AttemptLog.FILE), StandardCopyOption.REPLACE_EXISTING);
                }
                deleteIfEmpty(runDir);
                runDir = dir;
            }
            if (cluster != null) {
                folder.writeTimeline(cluster.timeline());
            }
            RunSummary summary = RunSummary.of(name, recorder);
            summary.writeTo(folder);
            log.info("RPC latency of {} (HdrHistogram log {}):\n{}", name, hlog, summary.render());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run files to " + dir, e);
        }
    }

    /**
     * After the cluster closed: checks every call of the run (docs/history.md), with {@code others}' (the call
     * histories of a spread run's guest injectors), writes the histories and the
     * check into the run folder and deletes the histories' temporary folder; a broken rule is logged here and
     * fails the build in the scenarios' verify phase. Failures are logged, never thrown.
     */
    void checkCallHistory(RpcCluster cluster, Duration slack, List<Path> others) {
        if (cluster == null || cluster.callHistory().isEmpty()) {
            return;
        }
        try {
            RunHistoryCheck.checkAndWrite(cluster, runDir, slack, others);
            try (Stream<Path> files = Files.list(historyDir())) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(historyDir());
        } catch (IOException | RuntimeException e) {
            log.error("cannot check the call history of {}", name, e);
        }
    }

    /** Writes the replay record of the run into the run folder; failures are logged, never thrown. */
    void writeReplay(ReplayRecord replay, ClusterSpec spec, Properties properties) {
        try {
            Files.createDirectories(runDir);
            replay.write(runDir.resolve(ReplayRecord.FILE), name, spec.seed(), spec.faultPlans(),
                    spec.clientOptions(), properties);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot write the replay record of {}", name, e);
        }
    }

    /** Gatling's folder for this run: the newest {@code <name>-<timestamp>} folder made since start. */
    private Optional<Path> gatlingRunDir() {
        if (!Files.isDirectory(resultsDir)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(resultsDir)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> d.getFileName().toString().startsWith(name + "-"))
                    .filter(d -> lastModified(d) >= startMillis - 5_000)
                    .max((a, b) -> Long.compare(lastModified(a), lastModified(b)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0L;
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            // left behind: harmless
        }
    }
}
