package dev.rpcharness.reports;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes a synthetic run folder the way a load run does (HdrHistogram interval log through HdrHistogram's writer,
 * timeline JSON lines, summary JSON, a Gatling-like index.html with assertions), with values chosen by the test so
 * that every figure of the report has a known answer. Not thread-safe.
 */
public final class RunFixture {

    private final String name;
    private final long t0;
    /** second -> tag -> histogram. */
    private final Map<Integer, Map<String, Histogram>> seconds = new TreeMap<>();
    private final List<String> timeline = new ArrayList<>();
    private final List<String[]> assertions = new ArrayList<>();
    private long phaseMillis = 7;

    public RunFixture(String name, long t0Millis) {
        this.name = name;
        this.t0 = t0Millis;
    }

    /** Interval boundaries fall this many ms after each whole second of t0 (7 by default). */
    public RunFixture phase(long millis) {
        this.phaseMillis = millis;
        return this;
    }

    /** Records {@code count} calls of {@code latencyMicros} in second {@code k} under {@code tag}. */
    public RunFixture calls(int k, String tag, int count, long latencyMicros) {
        Histogram h = seconds.computeIfAbsent(k, x -> new TreeMap<>()).computeIfAbsent(tag, t -> new Histogram(3));
        h.recordValueWithCount(latencyMicros, count);
        return this;
    }

    /** {@code perSecond} ok calls of {@code latencyMicros} each second from {@code from} to {@code to} inclusive, split
     * over the method tag and the provider's tag. */
    public RunFixture okTraffic(int from, int to, String provider, int perSecond, long latencyMicros) {
        for (int k = from; k <= to; k++) {
            calls(k, "echo/ok", perSecond, latencyMicros);
            calls(k, "echo@" + provider + "/ok", perSecond, latencyMicros);
        }
        return this;
    }

    /** {@code count} failed calls of {@code outcome} in second {@code k} on {@code provider}. */
    public RunFixture failures(int k, String provider, String outcome, int count, long latencyMicros) {
        calls(k, "echo/" + outcome, count, latencyMicros);
        return calls(k, "echo@" + provider + "/" + outcome, count, latencyMicros);
    }

    /** A timeline event {@code atSeconds} after t0. */
    public RunFixture event(double atSeconds, String action, String subject, String detail) {
        Instant wall = Instant.ofEpochMilli(t0 + Math.round(atSeconds * 1000));
        timeline.add(String.format(Locale.ROOT,
                "{\"monotonicNanos\":%d,\"offsetMillis\":%.3f,\"wallTime\":\"%s\",\"action\":\"%s\","
                        + "\"subject\":\"%s\",\"detail\":\"%s\"}",
                Math.round(atSeconds * 1e9), atSeconds * 1000, wall, action, subject, detail));
        return this;
    }

    /** The providers p0.. at the given addresses start and register at second 0.1. */
    public RunFixture providers(String... addresses) {
        event(0.05, "cluster-start", "zookeeper", "127.0.0.1:2181/rpc seed=42");
        for (int i = 0; i < addresses.length; i++) {
            event(0.1, "provider-start", "p" + i, addresses[i]);
            event(0.1, "provider-registered", "p" + i, addresses[i]);
        }
        return this;
    }

    /** A Gatling assertion with its status, written into a Gatling-like index.html. */
    public RunFixture assertion(String text, boolean passed) {
        assertions.add(new String[] {text, passed ? "OK" : "KO"});
        return this;
    }

    /** Writes the run into {@code parent/<name>-<stamp>} and returns that folder. */
    public Path writeTo(Path parent, String stamp) {
        Path dir = parent.resolve(name + "-" + stamp);
        try {
            Files.createDirectories(dir);
            try (PrintStream out = new PrintStream(Files.newOutputStream(dir.resolve("rpc-latency.hlog")), false,
                    StandardCharsets.US_ASCII)) {
                HistogramLogWriter w = new HistogramLogWriter(out);
                w.outputComment("synthetic run " + name);
                w.outputLogFormatVersion();
                w.setBaseTime(t0);
                w.outputStartTime(t0);
                w.outputBaseTime(t0);
                w.outputLegend();
                for (Map.Entry<Integer, Map<String, Histogram>> s : seconds.entrySet()) {
                    long start = t0 + s.getKey() * 1000L + phaseMillis;
                    for (Map.Entry<String, Histogram> e : s.getValue().entrySet()) {
                        Histogram h = e.getValue().copy();
                        h.setTag(e.getKey());
                        h.setStartTimeStamp(start);
                        h.setEndTimeStamp(start + 1000);
                        w.outputIntervalHistogram((start - t0) / 1000.0, (start + 1000 - t0) / 1000.0, h, 1000.0);
                    }
                }
            }
            Files.write(dir.resolve("rpc-timeline.jsonl"), timeline, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("rpc-summary.json"), "{\"simulation\":\"" + name + "\"}",
                    StandardCharsets.UTF_8);
            if (!assertions.isEmpty()) {
                StringBuilder html = new StringBuilder("<html><body><div class=\"onglet\">\n  ")
                        .append(name).append("\n</div>\n<table id=\"container_assertions\" class=\"x\"><tbody>\n");
                for (String[] a : assertions) {
                    String cls = a[1].equals("OK") ? "ok" : "ko";
                    html.append("<tr>\n  <td class=\"error-col-1 ").append(cls).append(" total\">\n    ")
                            .append(a[0]).append("\n    <span class=\"value\" style=\"display:none\">0</span>\n")
                            .append("  </td>\n  <td class=\"error-col-2 value ").append(cls)
                            .append(" total\">").append(a[1]).append("</td>\n</tr>\n");
                }
                html.append("</tbody></table></body></html>\n");
                Files.writeString(dir.resolve("index.html"), html, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * The crash-one shape: 3 providers at 100 ok calls/s each for 20 s, p1 (B) crashes at 5.2 s and restarts at
     * 10.2 s; 3 connection-lost calls of 200 µs in second 5; B has no traffic in seconds 5..10 and some from 11 on.
     */
    public static RunFixture crashOne(long t0) {
        String a = "127.0.0.1:20001";
        String b = "127.0.0.1:20002";
        String c = "127.0.0.1:20003";
        return new RunFixture("crashonesimulation", t0).providers(a, b, c)
                .okTraffic(0, 19, a, 100, 300).okTraffic(0, 19, c, 100, 300)
                .okTraffic(0, 4, b, 100, 300).okTraffic(11, 19, b, 100, 300)
                .failures(5, b, "connection-lost", 3, 200)
                .event(1.0, "warm-up", "crashonesimulation", "2000 calls, 0 failed")
                .event(5.2, "crash", "p1", b).event(5.2, "provider-crash", "p1", b)
                .event(10.2, "restart", "p1", b).event(10.2, "provider-restart", "p1", b)
                .assertion("echo: percentage of failed events is less than 1.0", true)
                .assertion("only in-flight calls failed: count of failed events is 0.0", true);
    }

    /**
     * The registry-outage shape: ZooKeeper down from 4.0 s to 9.0 s (no error), p0's session expired at 12.0 s (an
     * instant), 2 providers at 100 ok calls/s with latencies that differ by percentile.
     */
    public static RunFixture registryOutage(long t0) {
        String a = "127.0.0.1:20001";
        String b = "127.0.0.1:20002";
        RunFixture f = new RunFixture("registryoutagesimulation", t0).providers(a, b)
                .event(4.0, "zk-stop", "zookeeper", "127.0.0.1:2181").event(9.0, "zk-restart", "zookeeper",
                        "127.0.0.1:2181")
                .event(12.0, "expire-session", "p0", a)
                .assertion("echo: count of failed events is 0.0", true);
        for (int k = 0; k < 16; k++) {
            f.okTraffic(k, k, a, 90, 250).okTraffic(k, k, b, 90, 400);
            f.calls(k, "echo/ok", 18, 2_000 + 100L * k).calls(k, "echo@" + a + "/ok", 18, 2_000 + 100L * k);
            f.calls(k, "echo/ok", 2, 9_000).calls(k, "echo@" + b + "/ok", 2, 9_000);
        }
        return f;
    }

    /**
     * The freeze shape: p2 (C) frozen from 5.1 s to 10.1 s; 20 timeouts of 1 s in each of seconds 6..10, C serves
     * nothing ok in 5..10, again from 11.
     */
    public static RunFixture freeze(long t0) {
        String a = "127.0.0.1:20001";
        String b = "127.0.0.1:20002";
        String c = "127.0.0.1:20003";
        RunFixture f = new RunFixture("freezesimulation", t0).providers(a, b, c)
                .okTraffic(0, 19, a, 100, 300).okTraffic(0, 19, b, 100, 300)
                .okTraffic(0, 4, c, 100, 300).okTraffic(11, 19, c, 100, 300)
                .event(5.1, "freeze", "p2", c).event(10.1, "thaw", "p2", c)
                .assertion("echo: max of response time is less than 2500.0", true)
                .assertion("frozen provider only causes timeouts: count of failed events is 0.0", false);
        for (int k = 6; k <= 10; k++) {
            f.failures(k, c, "timeout", 20, 1_000_000);
        }
        return f;
    }
}
