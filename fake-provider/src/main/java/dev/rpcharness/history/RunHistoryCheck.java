package dev.rpcharness.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.cluster.RpcCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call-history check of a load run: after the run's cluster closed, checks each client's history and writes,
 * into the run folder, the histories ({@code rpc-history-<n>.jsonl}), {@value #JSON} (one JSON object per client:
 * the counts of {@link CheckReport#toJson()}) and {@value #TEXT} (the counts and every violation). {@link #main}
 * reads those files back after the scenarios ran and fails when any run broke a rule.
 */
public final class RunHistoryCheck {

    /** The counts per client, one JSON object a line. */
    public static final String JSON = "rpc-history-check.jsonl";
    /** The counts and the violations, for humans. */
    public static final String TEXT = "rpc-history-check.txt";

    private static final Logger log = LoggerFactory.getLogger(RunHistoryCheck.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RunHistoryCheck() {
    }

    /**
     * Checks the histories of a closed cluster (every call must have ended) and writes the results into
     * {@code runDir}; returns the reports (empty when the cluster recorded none).
     */
    public static List<CheckReport> checkAndWrite(RpcCluster cluster, Path runDir, Duration slack) {
        if (cluster.callHistory().isEmpty()) {
            return List.of();
        }
        ClusterHistory history = cluster.callHistory().get();
        List<CheckReport> reports = history.check(cluster, true, slack);
        try {
            Files.createDirectories(runDir);
            List<Path> files = history.files();
            for (int i = 0; i < files.size(); i++) {
                Files.copy(files.get(i), runDir.resolve("rpc-history-" + i + ".jsonl"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(runDir.resolve(JSON), reports.stream().map(CheckReport::toJson)
                    .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
            Files.writeString(runDir.resolve(TEXT), reports.stream().map(CheckReport::describe)
                    .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the call-history check to " + runDir, e);
        }
        for (CheckReport r : reports) {
            if (r.passed()) {
                log.info("call history: {}", r.summary());
            } else {
                log.error("call history broke its rules (docs/history.md): {}", r.describe());
            }
        }
        return reports;
    }

    /**
     * Fails (with an exception naming the runs and their first violations) when a run folder listed by the
     * arguments broke a rule of its call history. Arguments: run folders, or a results folder whose
     * {@code lastRun.txt} lists the run folders (one name a line), or whose subfolders are all looked at.
     */
    public static void main(String[] args) throws IOException {
        List<Path> runs = new ArrayList<>();
        for (String a : args) {
            Path p = Path.of(a);
            if (Files.isRegularFile(p.resolve(JSON))) {
                runs.add(p);
            } else if (Files.isRegularFile(p.resolve("lastRun.txt"))) {
                for (String line : Files.readAllLines(p.resolve("lastRun.txt"), StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        runs.add(p.resolve(line.trim()));
                    }
                }
            } else if (Files.isDirectory(p)) {
                try (var list = Files.list(p)) {
                    list.filter(d -> Files.isRegularFile(d.resolve(JSON))).forEach(runs::add);
                }
            }
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path run : runs) {
            Path json = run.resolve(JSON);
            if (!Files.isRegularFile(json)) {
                continue;
            }
            checked++;
            long violations = 0;
            for (String line : Files.readAllLines(json, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    violations += MAPPER.readTree(line).path("violations").asLong();
                }
            }
            String content = Files.readString(run.resolve(TEXT), StandardCharsets.UTF_8);
            // A command-line main: its findings go to the console of the build that runs it.
            System.out.println("call history of " + run.getFileName() + ":\n" + content.strip());
            if (violations > 0) {
                broken.add(run.getFileName() + ":\n" + content.strip());
            }
        }
        System.out.println("call histories checked: " + checked + " run(s), " + broken.size() + " broke a rule");
        if (!broken.isEmpty()) {
            throw new IllegalStateException("call history check failed (rules in docs/history.md; replay with the "
                    + "run's rpc-replay.properties):\n" + String.join("\n", broken));
        }
    }
}
