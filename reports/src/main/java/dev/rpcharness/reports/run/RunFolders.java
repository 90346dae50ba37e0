package dev.rpcharness.reports.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds run folders in a results folder (Gatling's {@code target/gatling}, which keeps every run's
 * {@code <simulation>-<timestamp>} folder until {@code mvn clean}). Stateless.
 */
public final class RunFolders {

    /** The file in which Gatling's Maven plugin lists the run folders of its last execution. */
    public static final String LAST_RUN = "lastRun.txt";

    private RunFolders() {
    }

    /** The newest run folder of each scenario in {@code results}, by scenario name. */
    public static List<Path> newestPerScenario(Path results) {
        Map<String, Path> newest = new LinkedHashMap<>();
        for (Path f : runFolders(results)) {
            newest.merge(ScenarioRun.nameOf(f), f, (a, b) -> stamp(b).compareTo(stamp(a)) > 0 ? b : a);
        }
        List<Path> out = new ArrayList<>(newest.values());
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /**
     * The run folders of the last Gatling execution in {@code results} as its {@value #LAST_RUN} lists them, or,
     * without that file, the newest of each scenario.
     */
    public static List<Path> lastRun(Path results) {
        Path list = results.resolve(LAST_RUN);
        if (!Files.isRegularFile(list)) {
            return newestPerScenario(results);
        }
        List<Path> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                String name = line.trim();
                if (!name.isEmpty() && !name.contains(":") && ScenarioRun.isRunFolder(results.resolve(name))) {
                    out.add(results.resolve(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + list, e);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** Every run folder directly inside {@code results}. */
    public static List<Path> runFolders(Path results) {
        if (!Files.isDirectory(results)) {
            throw new RunFormatException(results + " is not a folder");
        }
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(Files::isDirectory).filter(ScenarioRun::isRunFolder).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + results, e);
        }
    }

    /** The timestamp part of a run folder's name ({@code <name>-<timestamp>}), for ordering. */
    private static String stamp(Path folder) {
        String n = folder.getFileName().toString();
        int dash = n.lastIndexOf('-');
        return dash < 0 ? n : n.substring(dash + 1);
    }
}
