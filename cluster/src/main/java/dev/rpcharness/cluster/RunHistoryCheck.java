package dev.rpcharness.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.check.CallOutcome;
import dev.rpcharness.check.CheckReport;
import dev.rpcharness.run.CallStream;
import dev.rpcharness.run.RunFolder;
import dev.rpcharness.run.TimelineAction;
import dev.rpcharness.run.TimelineEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    public static final String JSON = RunFolder.HISTORY_CHECK_JSON;
    /** ok / fail / info of the calls started in each chaos step's window, one JSON object a line. */
    public static final String STEPS = RunFolder.HISTORY_STEPS;
    /** The counts and the violations, for humans. */
    public static final String TEXT = RunFolder.HISTORY_CHECK_TEXT;

    private static final Logger log = LoggerFactory.getLogger(RunHistoryCheck.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RunHistoryCheck() {
    }

    /**
     * Checks the histories of a closed cluster (every call must have ended) and writes the results into
     * {@code runDir}; returns the reports (empty when the cluster recorded none).
     */
    public static List<CheckReport> checkAndWrite(RpcCluster cluster, Path runDir, Duration slack) {
        return checkAndWrite(cluster, runDir, slack, List.of());
    }

    /**
     * Checks the histories of a closed cluster and {@code others} (histories of other JVMs' clients of its
     * providers, such as the guest injectors of a spread run: {@link ClusterHistory#check(RpcCluster, boolean,
     * Duration, List)}) and writes the results into {@code runDir}, the others numbered after the cluster's own.
     */
    public static List<CheckReport> checkAndWrite(RpcCluster cluster, Path runDir, Duration slack,
            List<Path> others) {
        if (cluster.callHistory().isEmpty()) {
            return List.of();
        }
        ClusterHistory history = cluster.callHistory().get();
        List<CheckReport> reports = history.check(cluster, true, slack, others);
        try {
            Files.createDirectories(runDir);
            List<Path> files = new ArrayList<>(history.files());
            files.addAll(others);
            for (int i = 0; i < files.size(); i++) {
                Files.copy(files.get(i), runDir.resolve("rpc-history-" + i + ".jsonl"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(runDir.resolve(JSON), reports.stream().map(CheckReport::toJson)
                    .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
            Files.writeString(runDir.resolve(TEXT), reports.stream().map(CheckReport::describe)
                    .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
            Files.writeString(runDir.resolve(STEPS), perStep(cluster, files), StandardCharsets.UTF_8);
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
     * ok / fail / info of the calls of every history, by the chaos step window their start falls in ("before
     * chaos" until the first step), one JSON object a line: {@code step}, {@code fromMillis} (since the timeline's
     * start), {@code ok}, {@code fail}, {@code info}.
     */
    static String perStep(RpcCluster cluster, List<Path> files) {
        List<TimelineEvent> steps = cluster.timeline().events().stream()
                .filter(e -> TimelineAction.isChaosStep(e.action())).toList();
        long origin = cluster.timeline().originNanos();
        long[][] counts = new long[steps.size() + 1][3];
        long[] stepTimes = steps.stream().mapToLong(TimelineEvent::monotonicNanos).toArray();
        for (Path f : files) {
            // Read as a stream: the first end decides a call's outcome, so no call needs to linger.
            CallStream.read(f, Duration.ZERO, call -> {
                CallOutcome outcome = CallOutcome.of(call);
                if (outcome != null && call.hasStart()) {
                    counts[window(stepTimes, call.startNanos())][outcome.ordinal()]++;
                }
            });
        }
        StringBuilder out = new StringBuilder();
        for (int w = 0; w <= steps.size(); w++) {
            String name = w == 0 ? "before chaos" : steps.get(w - 1).action() + " " + steps.get(w - 1).subject();
            long from = w == 0 ? 0 : (steps.get(w - 1).monotonicNanos() - origin) / 1_000_000L;
            out.append("{\"step\":\"").append(name.replace("\"", "'")).append("\",\"fromMillis\":").append(from)
                    .append(",\"ok\":").append(counts[w][0]).append(",\"fail\":").append(counts[w][1])
                    .append(",\"info\":").append(counts[w][2]).append("}\n");
        }
        return out.toString();
    }

    /** How many steps started at or before {@code nanos}: the window a call started then falls in. */
    private static int window(long[] stepTimes, long nanos) {
        int lo = 0;
        int hi = stepTimes.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stepTimes[mid] <= nanos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Fails (with an exception naming the runs and their first violations) when a run folder listed by the
     * arguments broke a rule of its call history, or is the host's folder of a run of several injectors that
     * failed ({@link RunFolder#INJECTORS_OUTCOME}). Arguments: run folders, or a results folder whose
     * {@code lastRun.txt} lists the run folders (one name a line), or else whose newest run of each scenario is
     * looked at.
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
                // The newest run of each scenario (folders are named <scenario>-<timestamp>).
                Map<String, Path> newest = new TreeMap<>();
                try (var list = Files.list(p)) {
                    list.filter(d -> Files.isRegularFile(d.resolve(JSON))).forEach(d -> {
                        String name = d.getFileName().toString();
                        String scenario = name.contains("-") ? name.substring(0, name.lastIndexOf('-')) : name;
                        newest.merge(scenario, d, (x, y) -> x.getFileName().toString()
                                .compareTo(y.getFileName().toString()) >= 0 ? x : y);
                    });
                }
                runs.addAll(newest.values());
            }
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path run : runs) {
            Path spread = run.resolve(RunFolder.INJECTORS_OUTCOME);
            if (Files.isRegularFile(spread)) {
                String outcome = Files.readString(spread, StandardCharsets.UTF_8).strip();
                System.out.println("injectors of " + run.getFileName() + ": " + outcome.lines().findFirst().orElse(""));
                if (outcome.startsWith("failed")) {
                    broken.add(run.getFileName() + ": the run of several injectors " + outcome.lines().findFirst()
                            .orElse(""));
                }
            }
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
