package dev.rpcharness.injectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rpcharness.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Measures how far this injector's wall clock is ahead of another injector's (the chaos conductor's), through
 * ZooKeeper alone: each injector writes its own {@code clock/<id>} node several times and compares the node's
 * modification time, stamped by the ZooKeeper server's clock, with the middle of its own write's round trip, keeping
 * the sample with the shortest round trip (as NTP does). Both injectors measure against the same server, so the
 * difference of their two offsets is their offset to each other, whatever the server's own clock says.
 *
 * <p>The result is written to the injector's run folder as {@value #FILE_NAME}, for the merge to shift this
 * injector's times by {@code -aheadMillis}.
 *
 * <p>Threading: one thread measures; the object holds no state besides its arguments. The run and its client
 * belong to the caller.
 */
public final class ClockOffset {

    /** The file in an injector's run folder that holds its measured offset ({@link RunFolder#INJECTOR_CLOCK}). */
    public static final String FILE_NAME = RunFolder.INJECTOR_CLOCK;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final InjectorRun run;
    private final CuratorFramework client;
    private final Clock wallClock;

    /**
     * @param run this injector's run
     * @param wallClock this injector's wall clock (the system's; a test skews it on purpose)
     */
    public ClockOffset(InjectorRun run, Clock wallClock) {
        this.run = Objects.requireNonNull(run, "run");
        this.client = run.client();
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    }

    /**
     * This injector's clock against ZooKeeper's.
     *
     * @param aheadOfZooKeeperMillis how far this clock is ahead of the ZooKeeper server's
     * @param roundTripMillis the round trip of the best sample: the offset is exact within half of it plus 1 ms
     */
    public record Measurement(String injector, long aheadOfZooKeeperMillis, long roundTripMillis) {
    }

    /**
     * This injector's clock against another's.
     *
     * @param injector this injector
     * @param reference the other (the conductor)
     * @param aheadMillis how far this injector's clock is ahead of the reference's (negative: behind)
     * @param uncertaintyMillis the measured offset is within this of the true one
     */
    public record Offset(String runId, String injector, String reference, long aheadMillis, long uncertaintyMillis) {
    }

    /**
     * Measures this injector's clock against ZooKeeper's over {@code samples} writes and publishes it in
     * {@code clock/<id>}.
     */
    public Measurement measureAndPublish(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, was " + samples);
        }
        String path = run.paths().clock(run.id());
        try {
            try {
                client.create().creatingParentsIfNeeded().forPath(path);
            } catch (KeeperException.NodeExistsException e) {
                // measured before
            }
            long bestRoundTrip = Long.MAX_VALUE;
            long bestAhead = 0;
            for (int i = 0; i < samples; i++) {
                long before = wallClock.millis();
                Stat stat = client.setData().forPath(path, new byte[0]);
                long after = wallClock.millis();
                if (after - before < bestRoundTrip) {
                    bestRoundTrip = after - before;
                    bestAhead = Math.floorDiv(before + after, 2) - stat.getMtime();
                }
            }
            Measurement m = new Measurement(run.id(), bestAhead, bestRoundTrip);
            client.setData().forPath(path, JSON.writeValueAsBytes(m));
            return m;
        } catch (Exception e) {
            throw new InjectorRunException("run " + run.spec().runId() + ": " + run.id()
                    + " could not measure its clock at " + path, e);
        }
    }

    /**
     * This injector's offset to {@code reference}, from both published measurements, waiting up to {@code wait}
     * for the reference's.
     *
     * @throws InjectorRunException when the reference published none in time
     */
    public Offset offsetTo(Measurement mine, String reference, Duration wait) throws InterruptedException {
        String path = run.paths().clock(reference);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                byte[] data = client.getData().forPath(path);
                if (data.length > 0) {
                    Measurement theirs = JSON.readValue(data, Measurement.class);
                    return new Offset(run.spec().runId(), run.id(), reference,
                            mine.aheadOfZooKeeperMillis() - theirs.aheadOfZooKeeperMillis(),
                            (mine.roundTripMillis() + theirs.roundTripMillis() + 1) / 2 + 1);
                }
            } catch (KeeperException.NoNodeException e) {
                // not measured yet
            } catch (Exception e) {
                throw new InjectorRunException("run " + run.spec().runId() + ": reading " + path + " failed", e);
            }
            if (System.nanoTime() >= deadline) {
                throw new InjectorRunException("run " + run.spec().runId() + ": " + reference
                        + " published no clock measurement at " + path + " within " + wait.toMillis() + " ms");
            }
            Thread.sleep(50);
        }
    }

    /** Writes the offset to {@code runFolder}/{@value #FILE_NAME}, and returns the file. */
    public static Path write(Offset offset, Path runFolder) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("runId", offset.runId());
        fields.put("injector", offset.injector());
        fields.put("reference", offset.reference());
        fields.put("aheadMillis", offset.aheadMillis());
        fields.put("uncertaintyMillis", offset.uncertaintyMillis());
        Files.createDirectories(runFolder);
        Path file = runFolder.resolve(FILE_NAME);
        Files.write(file, JSON.writeValueAsBytes(fields));
        return file;
    }

    /** Reads an offset written by {@link #write}. */
    public static Offset read(Path runFolder) throws IOException {
        return JSON.readValue(runFolder.resolve(FILE_NAME).toFile(), Offset.class);
    }
}
