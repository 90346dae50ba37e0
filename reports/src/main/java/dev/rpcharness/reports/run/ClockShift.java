package dev.rpcharness.reports.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcharness.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How far to move one run folder's wall times to put them on the reference injector's clock, read from the folder's
 * {@value RunFolder#INJECTOR_CLOCK} (written by the injector of a coordinated run): an injector whose clock is
 * {@code aheadMillis} ahead of the reference's stamped every event that much late, so its times move by
 * {@code -aheadMillis}. A folder without the file (a run that was not coordinated) is taken as it is.
 *
 * <p>Immutable; {@link #read} is stateless and may be called from any thread.
 *
 * @param aheadMillis       how far the folder's injector clock was ahead of the reference's (negative: behind)
 * @param uncertaintyMillis the measured offset is within this of the true one (0 without a file)
 */
public record ClockShift(long aheadMillis, long uncertaintyMillis) {

    /** No shift: the folder's times are taken as they are. */
    public static final ClockShift NONE = new ClockShift(0, 0);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The shift of {@code folder}: from its {@value RunFolder#INJECTOR_CLOCK}, or {@link #NONE} without one.
     *
     * @throws RunFormatException naming the file when it is not a JSON object with an integer {@code aheadMillis}
     *                            (and, when present, a non-negative integer {@code uncertaintyMillis})
     */
    public static ClockShift read(Path folder) {
        Path file = folder.resolve(RunFolder.INJECTOR_CLOCK);
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new RunFormatException(file + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (n == null || !n.isObject()) {
            throw new RunFormatException(file + ": expected one JSON object with aheadMillis, found "
                    + (n == null || n.isMissingNode() ? "nothing" : n.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        long ahead = integer(file, n, "aheadMillis");
        long uncertainty = n.has("uncertaintyMillis") ? integer(file, n, "uncertaintyMillis") : 0;
        if (uncertainty < 0) {
            throw new RunFormatException(file + ": uncertaintyMillis is negative (" + uncertainty + ")");
        }
        return new ClockShift(ahead, uncertainty);
    }

    private static long integer(Path file, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new RunFormatException(file + ": " + field + " must be an integer number of milliseconds, was "
                    + (v == null ? "missing" : v.toString()));
        }
        return v.asLong();
    }

    /** What to add to each of the folder's wall times: {@code -aheadMillis}. */
    public long millis() {
        return -aheadMillis;
    }
}
