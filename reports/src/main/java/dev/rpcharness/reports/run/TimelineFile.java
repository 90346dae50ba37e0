package dev.rpcharness.reports.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads a cluster timeline written as JSON lines ({@code rpc-timeline.jsonl}). Stateless. */
public final class TimelineFile {

    private TimelineFile() {
    }

    /**
     * The entries of {@code file} in file order; blank lines are skipped.
     *
     * @param source what to name as each entry's source
     * @throws RunFormatException naming the file and line when a line is not a timeline event
     */
    public static List<TimelineEntry> read(Path file, String source) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the timeline " + file, e);
        }
        ObjectMapper mapper = new ObjectMapper();
        List<TimelineEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            JsonNode n;
            try {
                n = mapper.readTree(line);
            } catch (IOException e) {
                throw new RunFormatException(where + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            JsonNode wall = n.get("wallTime");
            JsonNode action = n.get("action");
            if (wall == null || !wall.isTextual() || action == null || !action.isTextual()) {
                throw new RunFormatException(where + ": a timeline event needs text fields wallTime and action");
            }
            long millis;
            try {
                millis = Instant.parse(wall.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new RunFormatException(where + ": wallTime '" + wall.asText() + "' is not ISO-8601", e);
            }
            entries.add(new TimelineEntry(millis, action.asText(), text(n, "subject"), text(n, "detail"), source));
        }
        return entries;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }
}
