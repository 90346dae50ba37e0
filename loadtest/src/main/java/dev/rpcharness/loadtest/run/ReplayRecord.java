package dev.rpcharness.loadtest.run;

import dev.rpcharness.cluster.RpcCluster;
import dev.rpcharness.run.RunFolder;
import dev.rpcharness.run.TimelineEvent;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a load run needs to be run again ({@code rpc-replay.properties} in its run folder): the run's {@code rpc.*}
 * settings, the cluster's seed (from which fault plans without a seed of their own draw theirs), the fault plans,
 * the client options, and each chaos step's offset from the start of the load with the timeline events it caused.
 * With {@code -Drpc.replay=<that file>} a run takes the recorded seed and holds each chaos step until its recorded
 * offset, so the steps happen when they happened in the recorded run (never earlier than the scenario asks).
 *
 * <p>Threading: {@link #beforeStep} and {@link #afterStep} run on the single chaos thread; {@link #loadStarted} and
 * {@link #write} on the thread that starts and closes the target.
 */
final class ReplayRecord {

    /** The file name in a run folder. */
    static final String FILE = RunFolder.REPLAY;
    private static final Logger log = LoggerFactory.getLogger(ReplayRecord.class);

    /** One chaos step as it ran. */
    private record Step(long offsetMillis, String events) {
    }

    private final Properties replayed;
    private final List<Step> steps = new ArrayList<>();
    private volatile long loadStartNanos;
    private int stepIndex;
    private int eventsBefore;
    private long stepOffset;

    /** @param replayed the record to replay, or null for a run of its own */
    private ReplayRecord(Properties replayed) {
        this.replayed = replayed;
    }

    /** The record {@code rpc.replay} names in {@code properties}, or a fresh one when it names none. */
    static ReplayRecord from(Properties properties) {
        String file = properties.getProperty("rpc.replay", "").trim();
        if (file.isEmpty()) {
            return new ReplayRecord(null);
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("rpc.replay=" + file + ": cannot read the replay record", e);
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("property.")) {
                String name = key.substring("property.".length());
                String now = properties.getProperty(name);
                if (!p.getProperty(key).equals(now)) {
                    log.warn("replay of {}: {} is {} now but was {} in the recorded run; pass -D{}={} to match",
                            file, name, now, p.getProperty(key), name, p.getProperty(key));
                }
            }
        }
        log.info("replaying {}: seed {}, {} chaos steps at their recorded offsets", file, p.getProperty("seed"),
                p.getProperty("chaos.count", "0"));
        return new ReplayRecord(p);
    }

    boolean replaying() {
        return replayed != null;
    }

    /** The recorded seed, or {@code fallback} when not replaying. */
    long seed(long fallback) {
        return replayed == null ? fallback : Long.parseLong(replayed.getProperty("seed", String.valueOf(fallback)));
    }

    /** The load starts now: chaos offsets count from here. */
    void loadStarted() {
        loadStartNanos = System.nanoTime();
    }

    private long offsetMillis() {
        long start = loadStartNanos;
        return start == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Before chaos step k: waits for its recorded offset when replaying, then notes when it starts. */
    void beforeStep(RpcCluster cluster) {
        int k = stepIndex;
        if (replayed != null && loadStartNanos != 0) {
            String recorded = replayed.getProperty("chaos." + k + ".offsetMillis");
            if (recorded != null) {
                long due = loadStartNanos + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(recorded));
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                log.info("replay: chaos step {} at +{} ms (recorded +{} ms: {})", k, offsetMillis(), recorded,
                        replayed.getProperty("chaos." + k + ".timeline", ""));
            }
        }
        stepOffset = offsetMillis();
        eventsBefore = cluster == null ? 0 : cluster.timeline().events().size();
    }

    /** After chaos step k: notes the timeline events it caused. */
    void afterStep(RpcCluster cluster) {
        String events = "";
        if (cluster != null) {
            List<TimelineEvent> all = cluster.timeline().events();
            events = all.subList(Math.min(eventsBefore, all.size()), all.size()).stream()
                    .map(e -> e.action() + " " + e.subject()).collect(Collectors.joining("; "));
        }
        synchronized (steps) {
            steps.add(new Step(stepOffset, events));
        }
        stepIndex++;
    }

    /**
     * Writes the record of this run.
     *
     * @param scenarioProperties the run's settings (every {@code rpc.*} one is recorded)
     */
    void write(Path file, String name, long seed, Map<Integer, ?> faultPlans, Object clientOptions,
               Properties scenarioProperties) {
        Map<String, String> props = new TreeMap<>();
        for (String key : scenarioProperties.stringPropertyNames()) {
            if (key.startsWith("rpc.") && !key.equals("rpc.replay") && !key.equals("rpc.resultsDir")) {
                props.put(key, scenarioProperties.getProperty(key));
            }
        }
        StringBuilder command = new StringBuilder("mvn -B -ntp -o verify -Pload -DskipTests -Drpc.bench.skip=true");
        props.forEach((k, v) -> {
            if (!k.equals("rpc.bench.skip")) {
                command.append(" -D").append(k).append('=').append(v);
            }
        });
        command.append(" -Drpc.replay=").append(file.toAbsolutePath());
        Properties out = new Properties();
        out.setProperty("name", name);
        out.setProperty("seed", String.valueOf(seed));
        out.setProperty("command", command.toString());
        props.forEach((k, v) -> out.setProperty("property." + k, v));
        faultPlans.forEach((i, plan) -> out.setProperty("faultPlan." + i, String.valueOf(plan)));
        out.setProperty("clientOptions", String.valueOf(clientOptions));
        synchronized (steps) {
            out.setProperty("chaos.count", String.valueOf(steps.size()));
            for (int k = 0; k < steps.size(); k++) {
                out.setProperty("chaos." + k + ".offsetMillis", String.valueOf(steps.get(k).offsetMillis()));
                out.setProperty("chaos." + k + ".timeline", steps.get(k).events());
            }
        }
        if (replayed != null) {
            out.setProperty("replayOf", replayed.getProperty("name", "") + " " + replayed.getProperty("command", ""));
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.store(w, "Replay record of " + name + " (docs/history.md#replay). Re-run it with:\n"
                    + command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the replay record " + file, e);
        }
        log.info("replay record of {}: {}\n  re-run with: {}", name, file, command);
    }
}
