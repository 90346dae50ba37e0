package dev.rpcharness.reports.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Attempts per call over time, read from the {@value #FILE} of a scenario's run folders (written by the load side,
 * docs/call-policies.md, "Amplification": a header, then per second {@code epoch_ms,calls,attempts,refused,tokens}
 * and the calls each provider received) onto the run's grid of seconds, summed over folders: a line's second is the
 * one its end falls closest to, as for the latency log's intervals. Immutable.
 */
public final class AttemptSeries {

    /** The file name in a run folder. */
    public static final String FILE = "rpc-attempts.csv";

    private final long[] calls;
    private final long[] attempts;
    private final long[] refused;

    private AttemptSeries(long[] calls, long[] attempts, long[] refused) {
        this.calls = calls;
        this.attempts = attempts;
        this.refused = refused;
    }

    /**
     * The series of {@code folders} on {@code seconds} seconds from {@code t0Millis}, or empty when none of them
     * holds the file (a run recorded before it existed).
     *
     * @throws RunFormatException naming the file and line when a line is not the format
     */
    public static Optional<AttemptSeries> read(List<Path> folders, long t0Millis, int seconds) {
        long[] calls = new long[seconds];
        long[] attempts = new long[seconds];
        long[] refused = new long[seconds];
        boolean any = false;
        for (Path folder : folders) {
            Path file = folder.resolve(FILE);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            any = true;
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RunFormatException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                try {
                    long end = Long.parseLong(f[0]);
                    int k = (int) Math.max(0, Math.round((end - t0Millis) / 1000.0) - 1);
                    if (k < seconds) {
                        calls[k] += Long.parseLong(f[1]);
                        attempts[k] += Long.parseLong(f[2]);
                        refused[k] += Long.parseLong(f[3]);
                    }
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    throw new RunFormatException(file + " line " + (i + 1) + " is not epoch_ms,calls,attempts,"
                            + "refused,...: " + line, e);
                }
            }
        }
        return any ? Optional.of(new AttemptSeries(calls, attempts, refused)) : Optional.empty();
    }

    /** Attempts per call in each second; null in a second where no call ended. */
    public Double[] perCall() {
        Double[] out = new Double[calls.length];
        for (int i = 0; i < calls.length; i++) {
            out[i] = calls[i] == 0 ? null : (double) attempts[i] / calls[i];
        }
        return out;
    }

    /** Retries and hedges the client's budget refused in each second. */
    public double[] refusedPerSecond() {
        double[] out = new double[refused.length];
        for (int i = 0; i < refused.length; i++) {
            out[i] = refused[i];
        }
        return out;
    }

    /** Attempts per call over the whole run; 1 when no call ended. */
    public double amplification() {
        long c = 0;
        long a = 0;
        for (int i = 0; i < calls.length; i++) {
            c += calls[i];
            a += attempts[i];
        }
        return c == 0 ? 1.0 : (double) a / c;
    }

    /** The highest attempts per call of any second with at least {@code minCalls} calls; 1 when there is none. */
    public double peak(long minCalls) {
        double peak = 1.0;
        for (int i = 0; i < calls.length; i++) {
            if (calls[i] >= Math.max(1, minCalls)) {
                peak = Math.max(peak, (double) attempts[i] / calls[i]);
            }
        }
        return peak;
    }

    /** Retries and hedges refused over the run. */
    public long refused() {
        long r = 0;
        for (long v : refused) {
            r += v;
        }
        return r;
    }
}
