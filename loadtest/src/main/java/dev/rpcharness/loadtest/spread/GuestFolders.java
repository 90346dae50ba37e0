package dev.rpcharness.loadtest.spread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the guest injectors of a spread run write, on the host's file system: a hidden folder in the host's results
 * folder ({@code .injectors-<run id>}) with, per guest, its Gatling results folder ({@code injector-<i>}), its log
 * ({@code injector-<i>.log}) and its call history ({@code history/injector-<i>}); and, once the run ended, the move
 * of each guest's run folder and log into the host's run folder. Used by the host's driving thread only.
 */
final class GuestFolders {

    private final Path root;

    /** @param root the run's hidden folder, absolute (guests may run in another working directory) */
    GuestFolders(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** The folder of every guest's logs and results. */
    Path root() {
        return root;
    }

    /** Where guest {@code id} ({@code injector-<i>}) writes its Gatling results. */
    Path results(String id) {
        return root.resolve(id);
    }

    /** Where guest {@code id} records its client's call history. */
    Path history(String id) {
        return root.resolve("history").resolve(id);
    }

    /** The call histories the guests {@code ids} recorded, less those of {@code left} (lost: never complete). */
    List<Path> historyFiles(List<String> ids, Set<String> left) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String id : ids) {
            Path dir = history(id);
            if (left.contains(id) || !Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(f -> f.getFileName().toString().endsWith(".history.jsonl")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    /**
     * Moves each guest's Gatling run folder to {@code target/<id>} and its log to {@code target/<id>.log}, then
     * deletes what is left (the histories, checked by then).
     */
    void gatherInto(Path target, List<String> ids) throws IOException {
        Files.createDirectories(target);
        for (String id : ids) {
            Optional<Path> gatlingRun = onlyRunFolder(results(id));
            if (gatlingRun.isPresent()) {
                Files.move(gatlingRun.get(), target.resolve(id));
            }
            Path logFile = root.resolve(id + ".log");
            if (Files.isRegularFile(logFile)) {
                Files.move(logFile, target.resolve(id + ".log"));
            }
        }
        deleteTree(root);
    }

    /** A guest's Gatling run folder: the newest folder in its results folder. */
    private static Optional<Path> onlyRunFolder(Path results) throws IOException {
        if (!Files.isDirectory(results)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(results)) {
            return dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
                    .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
