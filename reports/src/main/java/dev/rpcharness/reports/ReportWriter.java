package dev.rpcharness.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcharness.reports.analysis.ScenarioAnalysis;
import dev.rpcharness.reports.compare.Comparison;
import dev.rpcharness.reports.render.ChartAssets;
import dev.rpcharness.reports.render.IndexPage;
import dev.rpcharness.reports.render.MarkdownSummary;
import dev.rpcharness.reports.render.ScenarioPage;
import dev.rpcharness.reports.render.SummaryJson;
import dev.rpcharness.reports.run.ScenarioRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a report folder: one page per scenario ({@code <name>.html}), {@code index.html}, a Markdown summary
 * ({@link #MARKDOWN}) and {@code rpc-report.json}, comparing with a previous report's JSON when one is given or found. Reports are
 * found automatically in the folder's siblings named {@value #PREFIX}{@code <timestamp>}. Immutable settings;
 * one {@link #write} at a time per instance.
 */
public final class ReportWriter {

    /** Report folders are named with this prefix and a sortable timestamp. */
    public static final String PREFIX = "rpc-report-";
    public static final String JSON = "rpc-report.json";
    public static final String MARKDOWN = "rpc-report.md";
    public static final String INDEX = "index.html";

    private static final Logger log = LoggerFactory.getLogger(ReportWriter.class);

    private final Path outDir;
    private final Path baseline;
    private final boolean findBaseline;
    private final double tolerance;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param outDir       the folder to write (created)
     * @param baseline     a previous report's JSON, or a folder holding one; null to look among {@code outDir}'s
     *                     siblings when {@code findBaseline}
     * @param findBaseline whether to look for the newest earlier report beside {@code outDir}
     * @param tolerance    relative worsening allowed before a figure counts as a regression
     */
    public ReportWriter(Path outDir, Path baseline, boolean findBaseline, double tolerance) {
        this.outDir = Objects.requireNonNull(outDir, "outDir");
        this.baseline = baseline;
        this.findBaseline = findBaseline;
        if (tolerance < 0 || Double.isNaN(tolerance)) {
            throw new IllegalArgumentException("tolerance must be 0 or more, was " + tolerance);
        }
        this.tolerance = tolerance;
    }

    /** What {@link #write} produced. */
    public record Result(Path outDir, List<ScenarioAnalysis> scenarios, Comparison comparison, String markdown) {

        public Path index() {
            return outDir.resolve(INDEX);
        }
    }

    /**
     * Reads each group of folders as one scenario (one folder, or several injectors' folders to merge), and writes
     * the report.
     */
    public Result write(List<List<Path>> scenarioFolders) {
        return write(scenarioFolders, List.of());
    }

    /**
     * As {@link #write(List)}, adding to every scenario the events of {@code extraTimelines} (the fleet's timeline
     * when injectors ran elsewhere).
     */
    public Result write(List<List<Path>> scenarioFolders, List<Path> extraTimelines) {
        if (scenarioFolders.isEmpty()) {
            throw new IllegalArgumentException("no run folder to report on");
        }
        List<ScenarioAnalysis> analyses = new ArrayList<>();
        for (List<Path> group : scenarioFolders) {
            analyses.add(ScenarioAnalysis.of(ScenarioRun.read(group, extraTimelines)));
        }
        Instant now = Instant.now();
        try {
            Files.createDirectories(outDir);
            ObjectNode current = SummaryJson.of(analyses, null, now, mapper);
            Comparison comparison = null;
            if (baseline != null) {
                Path previous = resolveBaseline(baseline);
                comparison = Comparison.of(previous.toString(), readSummary(previous), current, tolerance);
            } else if (findBaseline) {
                ObjectNode found = findPrevious(current);
                if (found != null) {
                    comparison = Comparison.of(found.path("from").asText(), found, current, tolerance);
                }
            }
            ChartAssets assets = ChartAssets.load();
            for (ScenarioAnalysis a : analyses) {
                String page = ScenarioPage.render(a, outDir, assets, mapper);
                Files.writeString(outDir.resolve(ScenarioPage.fileName(a)), page, StandardCharsets.UTF_8);
            }
            Files.writeString(outDir.resolve(INDEX), IndexPage.render(analyses, comparison, outDir, assets, now),
                    StandardCharsets.UTF_8);
            String md = MarkdownSummary.render(analyses, comparison, outDir.resolve(INDEX).toUri().toString());
            Files.writeString(outDir.resolve(MARKDOWN), md, StandardCharsets.UTF_8);
            Files.writeString(outDir.resolve(JSON), mapper.writeValueAsString(
                    SummaryJson.of(analyses, comparison, now, mapper)), StandardCharsets.UTF_8);
            log.info("resilience report of {} scenario(s) in {}", analyses.size(), outDir);
            return new Result(outDir, analyses, comparison, md);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + outDir, e);
        }
    }

    private static Path resolveBaseline(Path p) {
        Path json = Files.isDirectory(p) ? p.resolve(JSON) : p;
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException("no previous report at " + json
                    + ": give an " + JSON + " or a report folder holding one");
        }
        return json;
    }

    private JsonNode readSummary(Path json) throws IOException {
        JsonNode before = mapper.readTree(json.toFile());
        if (!SummaryJson.FORMAT.equals(before.path("format").asText())) {
            throw new IllegalArgumentException(json + " is not a report summary (format " + SummaryJson.FORMAT + ")");
        }
        return before;
    }

    /**
     * The previous figures of each scenario of {@code current}: from the newest report folder beside
     * {@link #outDir} whose name sorts before it and that holds the scenario; null when no scenario has any.
     */
    private ObjectNode findPrevious(JsonNode current) throws IOException {
        Path parent = outDir.toAbsolutePath().normalize().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return null;
        }
        String self = outDir.toAbsolutePath().normalize().getFileName().toString();
        List<Path> earlier;
        try (Stream<Path> s = Files.list(parent)) {
            earlier = s.filter(d -> d.getFileName().toString().startsWith(PREFIX))
                    .filter(d -> d.getFileName().toString().compareTo(self) < 0)
                    .filter(d -> Files.isRegularFile(d.resolve(JSON)))
                    .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()))
                    .toList();
        }
        ObjectNode merged = mapper.createObjectNode();
        merged.put("format", SummaryJson.FORMAT);
        ArrayNode scenarios = merged.putArray("scenarios");
        java.util.Set<String> from = new java.util.LinkedHashSet<>();
        for (JsonNode now : current.path("scenarios")) {
            String name = now.path("name").asText();
            for (Path d : earlier) {
                JsonNode hit = null;
                for (JsonNode s : readSummary(d.resolve(JSON)).path("scenarios")) {
                    if (name.equals(s.path("name").asText())) {
                        hit = s;
                    }
                }
                if (hit != null) {
                    scenarios.add(hit);
                    from.add(d.resolve(JSON).toString());
                    break;
                }
            }
        }
        if (earlier.isEmpty()) {
            return null;
        }
        merged.put("from", from.isEmpty() ? earlier.get(0).resolve(JSON).toString() : String.join(", ", from));
        return merged;
    }
}
