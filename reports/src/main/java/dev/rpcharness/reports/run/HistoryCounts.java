package dev.rpcharness.reports.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.run.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The ok / fail / info counts of a run's call-history check ({@code rpc-history-check.jsonl}, one JSON object per
 * client, written by the load target; docs/history.md), summed over the clients and folders of one scenario.
 * Immutable.
 *
 * @param infoRan    info calls the provider's log shows it executed
 * @param infoNotRan info calls it did not execute
 * @param flagged    calls written to a provider the timeline shows frozen or crashed
 * @param violations broken rules
 */
public record HistoryCounts(long calls, long ok, long fail, long info, long infoRan, long infoNotRan,
                            long infoUnknown, long flagged, long violations) {

    /** The file name in a run folder. */
    public static final String FILE = RunFolder.HISTORY_CHECK_JSON;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The counts of {@code folders}, or empty when none of them holds a call-history check. */
    public static Optional<HistoryCounts> read(List<Path> folders) {
        long[] sum = new long[9];
        boolean any = false;
        String[] keys = {"calls", "ok", "fail", "info", "infoRan", "infoNotRan", "infoUnknown", "flagged",
            "violations"};
        for (Path folder : folders) {
            Path file = folder.resolve(FILE);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            any = true;
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n = MAPPER.readTree(line);
                    for (int i = 0; i < keys.length; i++) {
                        sum[i] += n.path(keys[i]).asLong();
                    }
                }
            } catch (IOException e) {
                throw new RunFormatException("cannot read the call-history check " + file + ": " + e.getMessage());
            }
        }
        return any ? Optional.of(new HistoryCounts(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7],
                sum[8])) : Optional.empty();
    }

    /** The per-step counts file in a run folder. */
    public static final String STEPS_FILE = "rpc-history-steps.jsonl";

    /**
     * ok / fail / info per chaos step window of the first of {@code folders} that has them, one line each
     * ("crash p1 from +5.2 s: ok 1000, fail 0, info 3"); empty when none has.
     */
    public static List<String> perStep(List<Path> folders) {
        for (Path folder : folders) {
            Path file = folder.resolve(STEPS_FILE);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            List<String> lines = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n = MAPPER.readTree(line);
                    lines.add(n.path("step").asText() + " from +" + String.format(Locale.ROOT, "%.1f",
                            n.path("fromMillis").asLong() / 1000.0) + " s: ok " + n.path("ok").asLong() + ", fail "
                            + n.path("fail").asLong() + ", info " + n.path("info").asLong());
                }
            } catch (IOException e) {
                throw new RunFormatException("cannot read the call-history steps " + file + ": " + e.getMessage());
            }
            return lines;
        }
        return List.of();
    }

    /** One line: "ok 4990, fail 0, info 10 (ran 3, did not run 7, unknown 0), 10 flagged, 0 violations". */
    public String line() {
        return "ok " + ok + ", fail " + fail + ", info " + info + " (ran " + infoRan + ", did not run " + infoNotRan
                + ", unknown " + infoUnknown + "), " + flagged + " flagged, " + violations + " violation"
                + (violations == 1 ? "" : "s");
    }
}
