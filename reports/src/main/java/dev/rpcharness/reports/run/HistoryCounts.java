package dev.rpcharness.reports.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    public static final String FILE = "rpc-history-check.jsonl";
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

    /** One line: "ok 4990, fail 0, info 10 (ran 3, did not run 7, unknown 0), 10 flagged, 0 violations". */
    public String line() {
        return "ok " + ok + ", fail " + fail + ", info " + info + " (ran " + infoRan + ", did not run " + infoNotRan
                + ", unknown " + infoUnknown + "), " + flagged + " flagged, " + violations + " violation"
                + (violations == 1 ? "" : "s");
    }
}
