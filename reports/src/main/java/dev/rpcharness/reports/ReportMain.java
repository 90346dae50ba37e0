package dev.rpcharness.reports;

import dev.rpcharness.reports.run.RunFolders;
import dev.rpcharness.reports.run.ScenarioRun;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The report command: {@code ReportMain [options] PATH...}, where each PATH is a run folder (it holds
 * {@code rpc-latency.hlog}) or a results folder holding run folders ({@code scenarios/target/gatling}).
 *
 * <pre>
 *   --out DIR               report folder (default: rpc-report-&lt;timestamp&gt; in the first results folder)
 *   --last-run              from a results folder, the run folders of Gatling's last execution (lastRun.txt)
 *                           rather than the newest folder of each scenario
 *   --merge                 every run folder given is one injector of the same scenario: one merged report
 *   --timeline FILE         also draw the events of this timeline JSONL (e.g. the fleet's chaos steps when
 *                           injectors ran on other hosts); repeatable
 *   --baseline PATH|none    previous rpc-report.json (or its folder) to compare with; default: the newest
 *                           earlier rpc-report-* folder beside the report folder
 *   --tolerance 0.25        relative worsening allowed before a figure is a regression
 *   --fail-on-regression    end with an error when a figure regressed
 * </pre>
 * Prints the Markdown summary and where the pages are. Never calls {@code System.exit}: it also runs inside Maven
 * (exec:java); an error ends it with an exception that says what is wrong.
 */
public final class ReportMain {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private ReportMain() {
    }

    public static void main(String[] args) {
        run(args, System.out);
    }

    /** Runs the command with {@code args}, printing to {@code out}; returns what was written. */
    public static ReportWriter.Result run(String[] args, PrintStream out) {
        Path outDir = null;
        Path baseline = null;
        boolean findBaseline = true;
        boolean lastRun = false;
        boolean merge = false;
        boolean failOnRegression = false;
        double tolerance = 0.25;
        List<Path> paths = new ArrayList<>();
        List<Path> timelines = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--out" -> outDir = Paths.get(value(args, ++i, a));
                case "--baseline" -> {
                    String v = value(args, ++i, a).trim();
                    if (v.isEmpty() || v.equals("none") || v.equals("auto")) {
                        findBaseline = !v.equals("none");
                    } else {
                        baseline = Paths.get(v);
                    }
                }
                case "--tolerance" -> {
                    String v = value(args, ++i, a);
                    try {
                        tolerance = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--tolerance needs a number like 0.25, was '" + v + "'");
                    }
                }
                case "--fail-on-regression" -> failOnRegression = true;
                case "--last-run" -> lastRun = true;
                case "--merge" -> merge = true;
                case "--timeline" -> {
                    Path t = Paths.get(value(args, ++i, a));
                    if (!Files.isRegularFile(t)) {
                        throw new IllegalArgumentException("--timeline " + t + ": no such file");
                    }
                    timelines.add(t);
                }
                default -> {
                    if (a.startsWith("--fail-on-regression=")) {
                        failOnRegression = Boolean.parseBoolean(a.substring(a.indexOf('=') + 1));
                    } else if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a + "; options: --out DIR, "
                                + "--last-run, --merge, --timeline FILE, --baseline PATH|none, --tolerance X, "
                                + "--fail-on-regression");
                    } else if (!a.isBlank()) {
                        paths.add(Paths.get(a));
                    }
                }
            }
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("usage: ReportMain [--out DIR] [--last-run] [--merge] "
                    + "[--timeline FILE] [--baseline PATH|none] [--tolerance 0.25] [--fail-on-regression] "
                    + "RUN_OR_RESULTS_FOLDER...");
        }
        List<Path> runs = new ArrayList<>();
        Path resultsRoot = null;
        for (Path p : paths) {
            if (ScenarioRun.isRunFolder(p)) {
                runs.add(p);
                resultsRoot = resultsRoot == null ? p.toAbsolutePath().getParent() : resultsRoot;
            } else if (Files.isDirectory(p)) {
                runs.addAll(lastRun ? RunFolders.lastRun(p) : RunFolders.newestPerScenario(p));
                resultsRoot = resultsRoot == null ? p : resultsRoot;
            } else {
                throw new IllegalArgumentException(p + " is neither a run folder (with "
                        + ScenarioRun.LATENCY_LOG + ") nor a folder of run folders");
            }
        }
        if (runs.isEmpty()) {
            out.println("No run folder (with " + ScenarioRun.LATENCY_LOG + ") in " + paths + ": no report.");
            return null;
        }
        // A spread run's host folder brings its guests' folders (ScenarioRun.withInjectors): one merged report.
        List<List<Path>> groups = merge ? List.of(runs)
                : runs.stream().map(ScenarioRun::withInjectors).collect(Collectors.toList());
        if (outDir == null) {
            outDir = resultsRoot.resolve(ReportWriter.PREFIX + LocalDateTime.now().format(STAMP));
        }
        ReportWriter.Result result = new ReportWriter(outDir, baseline, findBaseline, tolerance)
                .write(groups, timelines);
        out.println();
        out.println(result.markdown());
        out.println("Resilience report: " + result.index().toUri());
        if (result.comparison() != null && !result.comparison().regressions().isEmpty()) {
            String list = result.comparison().regressions().stream()
                    .map(c -> c.scenario() + " " + c.metric()
                            + (c.before() == null ? "" : " " + c.before() + " -> " + c.after()))
                    .collect(Collectors.joining("; "));
            if (failOnRegression) {
                throw new RegressionException(result.comparison().regressions().size()
                        + " regression(s) against " + result.comparison().baseline() + ": " + list);
            }
            out.println("Regressions (not failing the build; --fail-on-regression would): " + list);
        }
        return result;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

}
