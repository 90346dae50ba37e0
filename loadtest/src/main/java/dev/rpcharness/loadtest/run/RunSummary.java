package dev.rpcharness.loadtest.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcharness.loadtest.record.LatencyRecorder;
import dev.rpcharness.loadtest.record.LatencySummary;
import dev.rpcharness.run.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary of one run, written by {@link LoadTarget#close()}: calls and rates over the recorded span, and
 * count and percentiles per histogram tag, as text ({@code rpc-summary.txt}) and JSON ({@code rpc-summary.json}).
 * Immutable.
 */
final class RunSummary {

    private final String name;
    private final List<LatencySummary> summaries;
    private final long fromMillis;
    private final long toMillis;

    RunSummary(String name, List<LatencySummary> summaries, long fromMillis, long toMillis) {
        this.name = name;
        this.summaries = new ArrayList<>(summaries);
        this.fromMillis = fromMillis;
        this.toMillis = toMillis;
    }

    double seconds() {
        return toMillis > fromMillis ? (toMillis - fromMillis) / 1000.0 : 0.0;
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        long all = 0;
        long ok = 0;
        for (LatencySummary s : summaries) {
            if (s.tag().indexOf('@') < 0) {
                all += s.count();
                if (s.tag().endsWith("/ok")) {
                    ok += s.count();
                }
            }
        }
        double secs = seconds();
        sb.append(String.format(Locale.ROOT, "%s: %d calls in %.1f s (%.1f/s), %d ok (%.1f/s)%n", name, all,
                secs, secs > 0 ? all / secs : 0.0, ok, secs > 0 ? ok / secs : 0.0));
        for (LatencySummary s : summaries) {
            sb.append("  ").append(s.toLine()).append('\n');
        }
        return sb.toString();
    }

    String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("simulation", name);
        root.put("fromEpochMillis", fromMillis);
        root.put("toEpochMillis", toMillis);
        root.put("latencyUnit", "microseconds");
        ArrayNode tags = root.putArray("tags");
        for (LatencySummary s : summaries) {
            ObjectNode n = tags.addObject();
            n.put("tag", s.tag());
            n.put("count", s.count());
            n.put("p50", s.p50());
            n.put("p99", s.p99());
            n.put("p999", s.p999());
            n.put("max", s.max());
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The summary of what {@code recorder} recorded, named {@code name}. */
    static RunSummary of(String name, LatencyRecorder recorder) {
        return new RunSummary(name, recorder.summaries(), recorder.firstIntervalStartMillis(),
                recorder.lastIntervalEndMillis());
    }

    /** Writes this summary into the run folder, as text and as JSON. */
    void writeTo(RunFolder folder) {
        folder.writeSummary(render(), toJson());
    }
}
